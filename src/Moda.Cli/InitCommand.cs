using System.CommandLine;

namespace Moda.Cli;

/// <summary><c>moda init</c>: writes a commented starting configuration.</summary>
internal static class InitCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var profile = new Option<string>("--profile", "-p") { Description = "default (eight 0/1 columns) or hubei (raw MICS-like variables)", DefaultValueFactory = _ => "default" };
        profile.AcceptOnlyFromAmong("default", "hubei");
        var output = new Option<string?>("--out", "-o") { Description = "Write here instead of standard output (e.g. moda.json)" };
        var force = new Option<bool>("--force") { Description = "Overwrite an existing --out file" };
        var from = new Option<string?>("--from") { Description = "Propose a configuration from this data file's variables (any format moda reads)" };
        var command = new Command("init", "Write a commented starting configuration (moda.json)") { profile, output, force, from };
        command.SetAction(parse => ModaCli.Guard(stderr, () =>
        {
            string text;
            if (parse.GetValue(from) is { } dataFile)
            {
                using var reader = Moda.Data.TableReaders.Open(dataFile);
                text = ConfigurationProposal.For(Moda.Data.DataDescription.Of(reader));
            }
            else text = StarterConfigurations.For(parse.GetValue(profile)!);
            var path = parse.GetValue(output);
            if (path is null)
            {
                stdout.Write(text);
                return ExitCodes.Success;
            }
            if (File.Exists(path) && !parse.GetValue(force))
                throw new UsageException($"--out: '{path}' exists; use --force to overwrite it");
            AtomicFile.Write(path, s => s.Write(System.Text.Encoding.UTF8.GetBytes(text)));
            stderr.WriteLine($"moda: wrote {path}");
            return ExitCodes.Success;
        }));
        return command;
    }
}
