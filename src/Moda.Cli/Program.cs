return Moda.Cli.ModaCli.Run(args, Console.Out, Console.Error, stdoutBytes: Moda.Cli.StandardOutput.Utf8());
