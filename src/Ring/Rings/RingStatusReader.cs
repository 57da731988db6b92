using System;
using System.Collections.Generic;

namespace RingIpc;

/// <summary>
/// Reads a <see cref="RingStatus"/> from a ring's header: positions, the creator, the consumer's line, the
/// registry's slots, the record at the head and the committed messages not yet read. It only reads (no role is
/// taken, nothing is revoked), validates every value it uses, and walks at most one lap from the head.
/// </summary>
/// <remarks>The ring may be running meanwhile: a walk that the consumer overtook (the head moved past where it
/// began) may read a later lap's payload where it expected a header, and positions loaded one after another while the
/// consumer releases and producers reserve may look impossible, so such a read is retried, and only a read under
/// positions that stayed put may report corruption.</remarks>
internal static class RingStatusReader
{
    private const int Attempts = 4;

    /// <exception cref="RingFormatException">The header's positions or the records at the head are corrupt.</exception>
    public static RingStatus Read(SharedRing ring)
    {
        RingHeader header = ring.Header;
        for (int attempt = 1; ; attempt++)
        {
            // In this order, each position is at most the next one: the consumer stores its read position before
            // it releases up to it, and the tail is never behind what was read.
            // A ring made by a build without the release policy keeps no read position: the head is the read position.
            bool keepsReadPosition = header.KeepsReadPosition;
            long released = header.Head.LoadAcquire();
            long head = keepsReadPosition ? header.ConsumedPosition.LoadAcquire() : released; // one load: equal without the flag
            long tail = header.Tail.LoadAcquire();
            try
            {
                // Inside the retry: between the loads the consumer may release and producers reserve past the released
                // position loaded first, so positions that moved may look impossible without being corrupt.
                RingHeader.ValidateReadPosition(released, head, tail, ring.Capacity);
                RingHeadBlock? block = ReadHeadBlock(ring, head, tail);
                int unread = CountMessages(ring.Records, head, tail);
                if (ReadPosition(header, keepsReadPosition) == head || attempt == Attempts)
                {
                    return Snapshot(ring, head, released, tail, block, unread);
                }
            }
            catch (RingFormatException) when (attempt < Attempts &&
                (header.Head.LoadAcquire() != released || ReadPosition(header, keepsReadPosition) != head))
            {
                // The consumer moved meanwhile (it overtook the walk, or released and producers reserved): read again.
            }
        }
    }

    private static long ReadPosition(RingHeader header, bool keepsReadPosition) =>
        keepsReadPosition ? header.ConsumedPosition.LoadAcquire() : header.Head.LoadAcquire();

    private static RingStatus Snapshot(SharedRing ring, long head, long released, long tail, RingHeadBlock? block, int unread)
    {
        RingHeader header = ring.Header;
        var producers = new List<RingEndpointStatus>();
        EndpointRegistry registry = header.Registry;
        for (int i = 0; i < EndpointRegistry.SlotCount; i++)
        {
            EndpointSlot slot = registry[i];
            if (slot.TryReadOwner(out ProcessIdentity owner, out _))
            {
                producers.Add(new RingEndpointStatus("producer", i, owner.ProcessId, !slot.IsHeldByDeadProcess(),
                    FromUnixMs(slot.Heartbeat.LoadSingleWriter()), ReadCounters(slot.Counters)));
            }
        }

        ProcessIdentity creator = header.Creator;
        return new RingStatus(ring.Name, ring.Kind, ring.Capacity, ring.MaxMessageLength, ring.MessageFingerprint, head, released, tail, unread,
            creator.ProcessId, ProcessLiveness.IsAlive(creator), FromUnixMs(header.CreationTimeUnixMs),
            ReadConsumer(header), producers, block, (header.FlagsWord.LoadAcquire() & RingHeader.FlagFenceMode) != 0);
    }

    private static RingEndpointStatus? ReadConsumer(RingHeader header)
    {
        // The holder stores its start time, then its pid with release; read pid, start time, pid again.
        int pid = header.ConsumerPid.LoadAcquire();
        long startTime = header.ConsumerStartTime.LoadAcquire();
        if (pid == 0 || header.ConsumerPid.LoadAcquire() != pid)
        {
            return null;
        }

        var identity = new ProcessIdentity(pid, startTime);
        return new RingEndpointStatus("consumer", -1, pid, ProcessLiveness.IsAlive(identity),
            FromUnixMs(header.ConsumerHeartbeat.LoadSingleWriter()), ReadCounters(header.ConsumerCounters));
    }

    /// <summary>The uncommitted claim the head waits on (behind padding), if any.</summary>
    private static RingHeadBlock? ReadHeadBlock(SharedRing ring, long head, long tail)
    {
        if (tail == head)
        {
            return null;
        }

        Record record = ring.Records.Next(head, tail);
        if (record.State != RecordState.Claimed)
        {
            return null;
        }

        ring.Records.ValidateClaimedLength(record);
        int slot = ClaimMarkers.SlotOf(record.Type);
        if ((uint)slot >= EndpointRegistry.SlotCount)
        {
            throw new RingFormatException("claim marker", $"{record.Type} at position {record.Position}",
                $"{ClaimMarkers.MarkerOf(0)} to {ClaimMarkers.MarkerOf(EndpointRegistry.SlotCount - 1)} (a registry slot)");
        }

        EndpointSlot claimer = ring.Header.Registry[slot];
        bool held = claimer.TryReadOwner(out ProcessIdentity owner, out _);
        return new RingHeadBlock(record.Position, slot, held ? owner.ProcessId : 0, held && !claimer.IsHeldByDeadProcess(),
            ring.HeadBlockClock.BlockedFor(ring.Header, record.Position, slot));
    }

    /// <summary>Counts the committed messages in [head, tail), stepping over padding and claims (by their claimed
    /// length), and stopping at a gap (a reservation not marked yet). At most one lap: tail − head ≤ capacity.</summary>
    private static int CountMessages(in RecordCursor records, long head, long tail)
    {
        int count = 0;
        long position = head;
        while (position < tail)
        {
            Record record = records.Peek(position);
            switch (record.State)
            {
                case RecordState.Message:
                    count++;
                    position += record.Occupied;
                    break;
                case RecordState.Padding:
                    position += record.Occupied;
                    break;
                case RecordState.Claimed:
                    position += RecordLayout.Align(records.ValidateClaimedLength(record));
                    break;
                default:
                    return count; // a gap: what lies behind it cannot be walked to
            }
        }

        return count;
    }

    private static RingEndpointCounters ReadCounters(EndpointCounters counters)
    {
        var values = new long[EndpointCounters.Count];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = counters.Read(i);
        }

        return new RingEndpointCounters(values);
    }

    private static DateTimeOffset FromUnixMs(long milliseconds) =>
        milliseconds is > 0 and < 253_402_300_799_999 ? DateTimeOffset.FromUnixTimeMilliseconds(milliseconds) : DateTimeOffset.MinValue;
}
