using System;
using System.Collections.Generic;

namespace RingIpc;

/// <summary>
/// A snapshot of a ring: its positions, its endpoints — who they are, whether their processes live — and their
/// counters, read from the header without disturbing the endpoints (<see cref="SharedRing.GetStatus"/>). Values
/// read at slightly different moments: consistent enough for tooling, not for decisions (<see cref="SharedRing.DeleteIfStale(string, bool)"/>
/// decides again under a lock).
/// </summary>
public sealed class RingStatus
{
    internal RingStatus(string name, RingKind kind, int capacity, int maxMessageLength, ulong messageFingerprint, long head, long released,
        long tail, int unreadMessages, int creatorProcessId, bool creatorIsAlive, DateTimeOffset createdAt,
        RingEndpointStatus? consumer, IReadOnlyList<RingEndpointStatus> producers, RingHeadBlock? headBlockedBy, bool fenceMode)
    {
        FenceMode = fenceMode;
        Name = name;
        Kind = kind;
        Capacity = capacity;
        MaxMessageLength = maxMessageLength;
        MessageFingerprint = messageFingerprint;
        Head = head;
        ReleasedPosition = released;
        Tail = tail;
        UnreadMessages = unreadMessages;
        CreatorProcessId = creatorProcessId;
        CreatorIsAlive = creatorIsAlive;
        CreatedAt = createdAt;
        Consumer = consumer;
        Producers = producers;
        HeadBlockedBy = headBlockedBy;
    }

    /// <summary>The ring's name.</summary>
    public string Name { get; }

    /// <summary>One producer or many.</summary>
    public RingKind Kind { get; }

    /// <summary>Bytes in the data area.</summary>
    public int Capacity { get; }

    /// <summary>The longest message, in bytes.</summary>
    public int MaxMessageLength { get; }

    /// <summary>The layout fingerprint of a typed ring's message struct; 0 for untyped bytes.</summary>
    public ulong MessageFingerprint { get; }

    /// <summary>Committed messages between the head and the tail, not yet read (up to a reservation that is not
    /// marked yet, behind which nothing can be counted).</summary>
    public int UnreadMessages { get; }

    /// <summary>Whether the ring is in fence mode: its consumer issues a cross-process memory barrier
    /// (<c>membarrier</c>, Linux) before it sleeps, so producers in 64-bit Linux processes commit without a fence of
    /// their own. <c>false</c>: every commit is a compare-and-swap (no consumer since the last one was disposed, or one
    /// that cannot issue the barrier). A consumer that crashed leaves it <c>true</c> until the next one attaches
    /// (harmless: nobody sleeps meanwhile).</summary>
    public bool FenceMode { get; }

    /// <summary>Whether the process that created the ring still runs (pid and start time).</summary>
    public bool CreatorIsAlive { get; }

    /// <summary>Whether nobody uses the ring any more: its creator and every endpoint it records are dead (or gone
    /// without a trace). Such a ring may be reclaimed (<see cref="SharedRing.DeleteIfStale(string, bool)"/>); one that still holds
    /// <see cref="UnreadMessages"/> only when forced.</summary>
    public bool IsStale
    {
        get
        {
            bool anyAlive = CreatorIsAlive || Consumer?.IsAlive == true;
            foreach (RingEndpointStatus producer in Producers)
            {
                anyAlive |= producer.IsAlive;
            }

            return !anyAlive;
        }
    }

    /// <summary>The consumer's read position (bytes consumed since the ring was created; the space of the last
    /// sixteenth of the ring read may not be released to producers yet).</summary>
    public long Head { get; }

    /// <summary>Where the consumer has given the space back to producers: at most <see cref="Head"/>. The bytes between
    /// the two were read and not released yet: held back by the release policy (at most a sixteenth of the ring, 64 KiB
    /// at most, after a read that drained the ring) until the consumer's next release, or, for a moment, a release under
    /// way. Producers may write up to this position plus <see cref="Capacity"/>. Equal to <see cref="Head"/> on a ring
    /// made by a build without the release policy.</summary>
    public long ReleasedPosition { get; }

    /// <summary>The claim position (bytes reserved by producers since the ring was created).</summary>
    public long Tail { get; }

    /// <summary>Bytes reserved by producers and not yet read by the consumer: tail − head. (The room producers have is
    /// <see cref="Capacity"/> − (tail − <see cref="ReleasedPosition"/>), which counts the read bytes held back too.)</summary>
    public long UsedBytes => Tail - Head;

    /// <summary>The pid of the process that created the ring.</summary>
    public int CreatorProcessId { get; }

    /// <summary>When the ring was created.</summary>
    public DateTimeOffset CreatedAt { get; }

    /// <summary>The consumer, if one is attached (or its process died holding the role).</summary>
    public RingEndpointStatus? Consumer { get; }

    /// <summary>The producers attached (or whose processes died attached), in registry-slot order.</summary>
    public IReadOnlyList<RingEndpointStatus> Producers { get; }

    /// <summary>If the record at the head is claimed and not committed: by whom. Everything behind it waits.</summary>
    public RingHeadBlock? HeadBlockedBy { get; }
}

/// <summary>One endpoint of a ring as its header records it.</summary>
public sealed class RingEndpointStatus
{
    internal RingEndpointStatus(string role, int slot, int processId, bool isAlive, DateTimeOffset lastActive, RingEndpointCounters counters)
    {
        Role = role;
        Slot = slot;
        ProcessId = processId;
        IsAlive = isAlive;
        LastActive = lastActive;
        Counters = counters;
    }

    /// <summary>"consumer" or "producer".</summary>
    public string Role { get; }

    /// <summary>A producer's registry slot (0 to 31); -1 for the consumer.</summary>
    public int Slot { get; }

    /// <summary>The endpoint's process.</summary>
    public int ProcessId { get; }

    /// <summary>Whether that process still runs (the same process: pid and start time), judged now.</summary>
    public bool IsAlive { get; }

    /// <summary>When the endpoint attached, last slept or last woke (its heartbeat; an endpoint that never waits
    /// shows its activity in its counters instead).</summary>
    public DateTimeOffset LastActive { get; }

    /// <summary>What the endpoint has done since it attached.</summary>
    public RingEndpointCounters Counters { get; }
}

/// <summary>An endpoint's counters since it attached (a consumer's: messages read; a producer's: written).</summary>
public sealed class RingEndpointCounters
{
    internal RingEndpointCounters(long[] values)
    {
        Messages = values[EndpointCounters.Messages];
        Bytes = values[EndpointCounters.Bytes];
        FullRejections = values[EndpointCounters.FullRejections];
        Sleeps = values[EndpointCounters.Sleeps];
        WakeCalls = values[EndpointCounters.WakeCalls];
        AbandonedClaims = values[EndpointCounters.AbandonedClaims];
        RepairedGaps = values[EndpointCounters.RepairedGaps];
        FinishedZeroings = values[EndpointCounters.FinishedZeroings];
    }

    /// <summary>Messages written (producer) or read (consumer).</summary>
    public long Messages { get; }

    /// <summary>Payload bytes written or read.</summary>
    public long Bytes { get; }

    /// <summary>Producer: writes and claims refused because the ring was full.</summary>
    public long FullRejections { get; }

    /// <summary>Waits that went to sleep.</summary>
    public long Sleeps { get; }

    /// <summary>Wake-up syscalls made for the other side.</summary>
    public long WakeCalls { get; }

    /// <summary>Producer: claims and batches it aborted (a batch committed empty counts as one). Consumer: claims and
    /// batches of dead producers it revoked.</summary>
    public long AbandonedClaims { get; }

    /// <summary>Consumer: reservations of producers that died before marking them, turned into padding.</summary>
    public long RepairedGaps { get; }

    /// <summary>Consumer: zeroing left unfinished by a consumer that died, finished when this one attached.</summary>
    public long FinishedZeroings { get; }
}

/// <summary>An uncommitted claim at the head: everything behind it waits until it is committed (or revoked, if
/// its producer's process dies). A live producer stalled in a claim — a GC pause, a debugger — shows here.</summary>
public sealed class RingHeadBlock
{
    internal RingHeadBlock(long position, int slot, int processId, bool isAlive, TimeSpan blockedFor)
    {
        BlockedFor = blockedFor;
        Position = position;
        Slot = slot;
        ProcessId = processId;
        IsAlive = isAlive;
    }

    /// <summary>The claim's position.</summary>
    public long Position { get; }

    /// <summary>The claiming producer's registry slot.</summary>
    public int Slot { get; }

    /// <summary>The claiming producer's process (0 if its slot is free: a claim nobody owns).</summary>
    public int ProcessId { get; }

    /// <summary>Whether that process still runs.</summary>
    public bool IsAlive { get; }

    /// <summary>How long, at least, the claim has blocked the head: since the ring's consumer (in any process) first
    /// found it there — it looks before each sleep, at most 200 ms apart, and when polls keep finding the head stuck —
    /// or since this process's status reads first saw it, whichever is earlier. Zero at a first sighting.</summary>
    public TimeSpan BlockedFor { get; }
}
