using System.Collections.Generic;
using System.CommandLine;
using RingIpc.Cli.Output;

namespace RingIpc.Cli.Commands;

/// <summary><c>ringipc gc</c>: reclaims stale rings (creator and every endpoint dead) through
/// <see cref="SharedRing.DeleteIfStale(string, bool, out string?)"/>, which decides again under exclusion; a ring holding
/// unread messages only with <c>--force</c>. Says why each ring it kept was kept. Corrupt names are left alone (an
/// unreadable ring cannot be judged: <c>rm</c> deletes it).</summary>
internal static class GcCommand
{
    /// <summary>One line of <c>gc --json</c>.</summary>
    internal sealed record Outcome(string Name, bool Reclaimed, string? Reason);

    public static Command Create(CliOutput output)
    {
        Option<bool> json = CommonOptions.Json();
        Option<string?> prefix = CommonOptions.Prefix();
        var force = new Option<bool>("--force") { Description = "Also reclaim stale rings that still hold unread messages (they are lost)." };
        var command = new Command("gc", "Reclaim stale rings: rings whose creator and every endpoint are dead.") { prefix, force, json };
        command.SetAction(parse => Run(output, parse.GetValue(prefix), parse.GetValue(force), parse.GetValue(json)));
        return command;
    }

    private static int Run(CliOutput output, string? prefix, bool force, bool json)
    {
        IReadOnlyList<string>? names = ListCommand.Names(output, prefix, out int exitCode);
        if (names is null)
        {
            return exitCode;
        }

        var outcomes = new List<Outcome>();
        foreach (string name in names)
        {
            Outcome outcome = Reclaim(name, force);
            outcomes.Add(outcome);
            if (!json)
            {
                output.Writer.WriteLine(outcome.Reclaimed ? $"reclaimed {name}" : $"kept      {name}: {outcome.Reason}");
            }
        }

        if (json)
        {
            output.Json(outcomes);
        }
        else
        {
            output.Writer.WriteLine($"{outcomes.FindAll(o => o.Reclaimed).Count} of {outcomes.Count} ring(s) reclaimed");
        }

        return ExitCodes.Success;
    }

    private static Outcome Reclaim(string name, bool force)
    {
        try
        {
            bool reclaimed = SharedRing.DeleteIfStale(name, force, out string? reason);
            return new Outcome(name, reclaimed, reason);
        }
        catch (System.Exception exception) when (RingOpening.Classify(exception, out _, out string message))
        {
            return new Outcome(name, false, message);
        }
    }
}
