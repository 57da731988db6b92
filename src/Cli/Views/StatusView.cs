using System;
using System.Globalization;
using Spectre.Console;

namespace RingIpc.Cli.Views;

/// <summary>The tables of <c>stat</c> and <c>watch</c>: the ring, then one row per endpoint with its counters.</summary>
internal static class StatusView
{
    /// <summary>The ring's properties.</summary>
    public static Table Ring(StatusReport status)
    {
        var table = new Table().Border(TableBorder.Rounded).HideHeaders().AddColumn("field").AddColumn("value");
        table.AddRow("ring", Markup.Escape(status.Name));
        table.AddRow("kind", status.Kind);
        table.AddRow("capacity", Invariant($"{status.Capacity:N0} B (messages up to {status.MaxMessageLength:N0} B)"));
        table.AddRow("fill", Invariant($"{status.UsedBytes:N0} B ({Fill.Percent(status.UsedBytes, status.Capacity):0.0} %), {status.UnreadMessages:N0} unread message(s)"));
        table.AddRow("positions", Invariant($"head {status.Head:N0} (space released up to {status.ReleasedPosition:N0}), tail {status.Tail:N0}"));
        table.AddRow("message layout", status.MessageFingerprint == "0000000000000000" ? "untyped" : $"fingerprint {status.MessageFingerprint}");
        table.AddRow("commits", status.FenceMode
            ? "fence mode: release stores (the consumer issues membarrier before it sleeps)"
            : "compare-and-swap (a full fence each)");
        table.AddRow("creator", Invariant($"pid {status.Creator.Pid} ({Alive(status.Creator.Alive)}), created {status.Creator.CreatedAt:u}"));
        table.AddRow("state", status.Stale ? "STALE (every endpoint and the creator are dead): ringipc gc reclaims it" : "in use");
        table.AddRow("head", Markup.Escape(HeadBlockView.Describe(status.HeadBlockedBy)));
        return table;
    }

    /// <summary>One row per endpoint.</summary>
    public static Table Endpoints(StatusReport status)
    {
        var table = new Table().Border(TableBorder.Rounded);
        foreach (string column in new[] { "role", "slot", "pid", "alive", "messages", "bytes", "full", "sleeps", "wakes", "abandoned", "repaired", "last active" })
        {
            table.AddColumn(new TableColumn(column).RightAligned());
        }

        if (status.Consumer is not null)
        {
            AddRow(table, status.Consumer);
        }

        foreach (EndpointReport producer in status.Producers)
        {
            AddRow(table, producer);
        }

        return table;
    }

    private static void AddRow(Table table, EndpointReport e) => table.AddRow(
        e.Role, e.Slot < 0 ? "-" : Invariant($"{e.Slot}"), Invariant($"{e.Pid}"), Alive(e.Alive),
        Invariant($"{e.Counters.Messages:N0}"), Invariant($"{e.Counters.Bytes:N0}"), Invariant($"{e.Counters.FullRejections:N0}"),
        Invariant($"{e.Counters.Sleeps:N0}"), Invariant($"{e.Counters.WakeCalls:N0}"), Invariant($"{e.Counters.AbandonedClaims:N0}"),
        Invariant($"{e.Counters.RepairedGaps:N0}"), Invariant($"{e.LastActive:u}"));

    private static string Alive(bool alive) => alive ? "alive" : "dead";

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
