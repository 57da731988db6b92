namespace RingIpc;

/// <summary>
/// What the consumer does when its head is stuck — before a wait sleeps, and when a polling consumer found the same
/// head many times: revokes claims of dead producers (<see cref="ClaimMarkers"/>) and repairs reservations that
/// dead producers never marked (<see cref="GapRepair"/>), until the head shows a live producer's record, a message,
/// or the tail. It reads headers and the registry only, at most one lap from the head, and counts what it did in
/// the consumer's counters. Where it stops at a live producer's claim, it stamps the header with when it first did
/// (<see cref="HeadBlockClock"/>).
/// </summary>
/// <remarks>It runs on the consumer's thread, or on the async waiter's thread while the consumer's own thread is
/// kept out by the pending wait: one writer of the consumer's counters at a time.</remarks>
internal static class HeadRecovery
{
    /// <summary>Recovers from dead producers at <paramref name="head"/> (the consumer's read position), walking no
    /// further than one lap from <paramref name="released"/> (the shared head, at most the read position), past which
    /// producers write nothing.</summary>
    /// <exception cref="RingFormatException">A record, a marker or the tail is corrupt.</exception>
    public static void Run(SharedRing ring, long head, long released)
    {
        RecordCursor records = ring.Records;
        long limit = released + records.Capacity;
        EndpointRegistry registry = ring.Header.Registry;
        EndpointCounters counters = ring.Header.ConsumerCounters;
        Record record = records.Next(head, limit);
        while (record.Position < limit)
        {
            if (record.State == RecordState.Claimed && ClaimMarkers.TryRevoke(record, records, registry))
            {
                counters.Add(EndpointCounters.AbandonedClaims, 1);
            }
            else if (record.State == RecordState.Empty && RepairGap(ring, released, record.Position))
            {
                counters.Add(EndpointCounters.RepairedGaps, 1);
            }
            else
            {
                if (record.State == RecordState.Claimed)
                {
                    HeadBlockClock.Stamp(ring.Header, record.Position); // a live producer's claim: for tooling
                }

                return;
            }

            record = records.Next(record.Position, limit);
        }
    }

    private static bool RepairGap(SharedRing ring, long released, long position)
    {
        long tail = ring.Header.Tail.LoadAcquire();
        RingHeader.ValidatePositions(released, tail, ring.Capacity);
        return tail > position && GapRepair.TryRepair(ring.Records, ring.Header.Registry, position, tail);
    }
}
