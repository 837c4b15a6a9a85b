return Moda.Cli.ModaCli.Run(args, Console.Out, Console.Error);
