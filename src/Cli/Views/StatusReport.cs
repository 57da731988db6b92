using System;
using System.Collections.Generic;
using System.Linq;

namespace RingIpc.Cli.Views;

/// <summary>The JSON of <c>stat</c> (and each line of <c>watch --json</c>): a ring's status as plain values.</summary>
internal sealed record StatusReport(
    string Name,
    string Kind,
    int Capacity,
    int MaxMessageLength,
    string MessageFingerprint,
    long Head,
    long ReleasedPosition,
    long Tail,
    long UsedBytes,
    int UnreadMessages,
    bool Stale,
    CreatorReport Creator,
    EndpointReport? Consumer,
    IReadOnlyList<EndpointReport> Producers,
    HeadBlockReport? HeadBlockedBy,
    bool FenceMode)
{
    /// <summary>The report of <paramref name="status"/>.</summary>
    public static StatusReport From(RingStatus status) => new(
        status.Name,
        status.Kind.ToString().ToLowerInvariant(),
        status.Capacity,
        status.MaxMessageLength,
        $"{status.MessageFingerprint:X16}",
        status.Head,
        status.ReleasedPosition,
        status.Tail,
        status.UsedBytes,
        status.UnreadMessages,
        status.IsStale,
        new CreatorReport(status.CreatorProcessId, status.CreatorIsAlive, status.CreatedAt),
        status.Consumer is null ? null : EndpointReport.From(status.Consumer),
        status.Producers.Select(EndpointReport.From).ToList(),
        status.HeadBlockedBy is null ? null : HeadBlockReport.From(status.HeadBlockedBy),
        status.FenceMode);
}

/// <summary>The process that created a ring.</summary>
internal sealed record CreatorReport(int Pid, bool Alive, DateTimeOffset CreatedAt);

/// <summary>One endpoint: its registry slot (−1 for the consumer), process, liveness and counters.</summary>
internal sealed record EndpointReport(string Role, int Slot, int Pid, bool Alive, DateTimeOffset LastActive, CountersReport Counters)
{
    public static EndpointReport From(RingEndpointStatus endpoint) =>
        new(endpoint.Role, endpoint.Slot, endpoint.ProcessId, endpoint.IsAlive, endpoint.LastActive, CountersReport.From(endpoint.Counters));
}

/// <summary>An endpoint's counters (messages and bytes written or read, and the rest of <see cref="RingEndpointCounters"/>).</summary>
internal sealed record CountersReport(long Messages, long Bytes, long FullRejections, long Sleeps, long WakeCalls, long AbandonedClaims, long RepairedGaps, long FinishedZeroings)
{
    public static CountersReport From(RingEndpointCounters c) =>
        new(c.Messages, c.Bytes, c.FullRejections, c.Sleeps, c.WakeCalls, c.AbandonedClaims, c.RepairedGaps, c.FinishedZeroings);
}

/// <summary>The uncommitted claim at the head that holds the consumer up, and for how long at least.</summary>
internal sealed record HeadBlockReport(long Position, int Slot, int Pid, bool Alive, double BlockedForSeconds)
{
    public static HeadBlockReport From(RingHeadBlock block) =>
        new(block.Position, block.Slot, block.ProcessId, block.IsAlive, Math.Round(block.BlockedFor.TotalSeconds, 3));
}
