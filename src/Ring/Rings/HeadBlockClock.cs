using System;
using System.Threading;

namespace RingIpc;

/// <summary>
/// How long a live claim has blocked the head (<see cref="RingHeadBlock.BlockedFor"/>), for tooling, at no cost
/// on the hot path. Two witnesses, each giving a lower bound, and the earlier one wins:
/// <list type="bullet">
/// <item>the consumer, in any process, stamps the header when its head recovery stops at a live producer's claim
/// (<see cref="Stamp"/>: before each sleep, at most every 200 ms, and when a polling consumer finds its head stuck);</item>
/// <item>this process remembers when its own status reads first saw the block (a ring without a consumer).</item>
/// </list>
/// </summary>
/// <remarks>
/// Ordering: the consumer (the one writer: it holds the role) stores the time, then the position, both with
/// release; a reader acquires the position, then the time. A reader that pairs an old position with a newer time
/// (the consumer stamped a later block between its two loads) underestimates — harmless for a value that is only
/// "at least". A time read from the section is used only if it lies between the ring's creation and now.
/// </remarks>
internal sealed class HeadBlockClock
{
    private Sighting? _firstSeen;

    /// <summary>Consumer side: records that the head is blocked by a live claim at <paramref name="position"/>,
    /// once per position (a claim's position is never reused: positions only grow).</summary>
    public static void Stamp(RingHeader header, long position)
    {
        if (header.HeadBlockPosition.LoadAcquire() == position && header.HeadBlockSince.LoadAcquire() != 0)
        {
            return;
        }

        header.HeadBlockSince.StoreRelease(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        header.HeadBlockPosition.StoreRelease(position);
    }

    /// <summary>Reader side: how long, at least, the claim at <paramref name="position"/> of registry slot
    /// <paramref name="slot"/> has blocked the head.</summary>
    public TimeSpan BlockedFor(RingHeader header, long position, int slot)
    {
        DateTimeOffset now = DateTimeOffset.UtcNow;
        Sighting? seen = Volatile.Read(ref _firstSeen);
        if (seen is null || seen.Position != position || seen.Slot != slot)
        {
            seen = new Sighting(position, slot, now);
            Volatile.Write(ref _firstSeen, seen); // racing readers: either sighting is a fair "first seen"
        }

        DateTimeOffset since = seen.At;
        if (header.HeadBlockPosition.LoadAcquire() == position)
        {
            long stamped = header.HeadBlockSince.LoadAcquire();
            long nowMs = now.ToUnixTimeMilliseconds();
            if (stamped >= header.CreationTimeUnixMs && stamped <= nowMs && stamped > 0)
            {
                DateTimeOffset consumerSaw = DateTimeOffset.FromUnixTimeMilliseconds(stamped);
                since = consumerSaw < since ? consumerSaw : since;
            }
        }

        return now - since;
    }

    private sealed class Sighting(long position, int slot, DateTimeOffset at)
    {
        public long Position { get; } = position;

        public int Slot { get; } = slot;

        public DateTimeOffset At { get; } = at;
    }
}
