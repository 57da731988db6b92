using System;
using System.Collections.Generic;
using System.CommandLine;
using System.Globalization;
using System.Linq;
using RingIpc.Cli.Output;
using RingIpc.Cli.Views;
using Spectre.Console;

namespace RingIpc.Cli.Commands;

/// <summary><c>ringipc ls</c>: every ring on this machine with its kind, capacity, fill, endpoints and state (live,
/// stale, corrupt). Linux and macOS: Windows cannot enumerate named sections.</summary>
internal static class ListCommand
{
    public static Command Create(CliOutput output)
    {
        Option<bool> json = CommonOptions.Json();
        Option<string?> prefix = CommonOptions.Prefix();
        var command = new Command("ls", "List every ring: kind, capacity, fill, endpoints alive and dead, and whether it is stale.") { prefix, json };
        command.SetAction(parse => Run(output, parse.GetValue(prefix), parse.GetValue(json)));
        return command;
    }

    /// <summary>The names of the rings to visit, or <c>null</c> with the error written (Windows).</summary>
    public static IReadOnlyList<string>? Names(CliOutput output, string? prefix, out int exitCode)
    {
        try
        {
            exitCode = ExitCodes.Success;
            return SharedRing.List().Where(n => prefix is null || n.StartsWith(prefix, StringComparison.Ordinal)).ToList();
        }
        catch (PlatformNotSupportedException unsupported)
        {
            exitCode = output.Fail(ExitCodes.NotSupported, $"cannot list rings here: {unsupported.Message} ('ringipc stat NAME' works)");
            return null;
        }
    }

    /// <summary>The summary of one name: its status, or why it has none.</summary>
    public static RingSummary Summarize(string name)
    {
        try
        {
            using SharedRing ring = SharedRing.Open(name);
            return RingSummary.From(ring.GetStatus());
        }
        catch (Exception exception) when (RingOpening.Classify(exception, out int code, out string message))
        {
            return RingSummary.Failed(name, code == ExitCodes.NotARing ? RingSummary.Corrupt : RingSummary.Unreadable, message);
        }
    }

    private static int Run(CliOutput output, string? prefix, bool json)
    {
        IReadOnlyList<string>? names = Names(output, prefix, out int exitCode);
        if (names is null)
        {
            return exitCode;
        }

        List<RingSummary> rings = names.Select(Summarize).ToList();
        if (json)
        {
            output.Json(rings);
            return ExitCodes.Success;
        }

        var table = new Table().Border(TableBorder.Rounded);
        foreach (string column in new[] { "name", "state", "kind", "capacity", "fill", "unread", "consumer", "producers (alive)", "creator", "note" })
        {
            table.AddColumn(column);
        }

        foreach (RingSummary ring in rings)
        {
            table.AddRow(ring.Error is null
                ? new[]
                {
                    Markup.Escape(ring.Name), ring.State, ring.Kind!, Invariant($"{ring.Capacity:N0}"), Invariant($"{ring.FillPercent:0.0} %"),
                    Invariant($"{ring.UnreadMessages:N0}"), ring.ConsumerAlive is null ? "none" : ring.ConsumerAlive.Value ? "alive" : "dead",
                    Invariant($"{ring.Producers} ({ring.ProducersAlive})"), ring.CreatorAlive == true ? "alive" : "dead",
                    ring.State == RingSummary.Stale ? "ringipc gc reclaims it" : "",
                }
                : new[] { Markup.Escape(ring.Name), ring.State, "", "", "", "", "", "", "", Markup.Escape(ring.Error) });
        }

        output.Console.Write(table);
        output.Writer.WriteLine(Invariant($"{rings.Count} ring(s)"));
        return ExitCodes.Success;
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
