using System.Collections.Generic;

namespace RingIpc;

/// <summary>
/// Repairs a reservation whose producer died between reserving it (the MPSC tail compare-and-swap, the SPSC tail
/// store) and marking it (the claim header): without repair the consumer would find an empty header before the
/// tail for ever. It never guesses: it acts only on the claim intents of the registry (<see cref="EndpointRegistry"/>).
/// </summary>
/// <remarks>
/// <para>Every producer stores its intent — the tail it reserves from and the bytes it reserves — before the
/// reservation, so a gap at the head H (an empty header with the tail past it) is the reservation of a producer
/// whose intent starts at H (or whose wrap padding ended at H). If any such producer lives, the consumer waits: it
/// may mark the record any moment. If only dead ones match, each candidate end E must prove itself: H &lt; E ≤ tail,
/// every byte of [H, E) zero (a dead producer that never marked wrote nothing), no intent of any producer starting
/// inside (H, E) (positions never repeat, so an intent there means the tail once stood there), and at E the tail,
/// a record header, or another producer's intent. An intent whose reservation failed (its compare-and-swap lost)
/// names a position someone else reserved, and fails these tests unless it names the same bytes. Exactly one end
/// must pass; the gap then becomes padding, which the consumer steps over.</para>
/// <para>Only the consumer runs this, on the stuck path (a sleeping wait, or a head that stayed put for many polls),
/// so its scans — 32 slots, and at most two records' bytes — cost nothing per message.</para>
/// </remarks>
internal static class GapRepair
{
    /// <summary>Turns the gap at <paramref name="head"/> into padding if a dead producer's reservation provably left it.</summary>
    /// <param name="records">The ring's cursor.</param>
    /// <param name="registry">The ring's registry.</param>
    /// <param name="head">The consumer's head, where the cursor found an empty header.</param>
    /// <param name="tail">The tail, read after that header: validated against the head by the caller.</param>
    /// <returns>Whether the gap was repaired.</returns>
    public static bool TryRepair(in RecordCursor records, in EndpointRegistry registry, long head, long tail)
    {
        if (tail <= head || records.Peek(head).State != RecordState.Empty)
        {
            return false;
        }

        long wrapPoint = head - (head & (records.Capacity - 1)); // index 0 of head's lap
        var ends = new List<long>(2);
        for (int i = 0; i < EndpointRegistry.SlotCount; i++)
        {
            EndpointSlot slot = registry[i];
            if (!slot.TryReadOwner(out _, out _))
            {
                continue;
            }

            int length = slot.IntentLength.LoadAcquire();
            long start = slot.IntentPosition.LoadSingleWriter();
            bool covers = length > 0 && (start == head || (head == wrapPoint && start < head && start + length > head));
            if (!covers)
            {
                continue;
            }

            if (!slot.IsHeldByDeadProcess())
            {
                return false; // a live producer (or one in another pid namespace) may mark it any moment
            }

            if (!ends.Contains(start + length))
            {
                ends.Add(start + length);
            }
        }

        long proven = -1;
        foreach (long end in ends)
        {
            if (Proves(records, registry, head, end, tail))
            {
                if (proven >= 0)
                {
                    return false; // two ends pass: never guess
                }

                proven = end;
            }
        }

        return proven >= 0 && Pad(records, head, proven);
    }

    private static bool Proves(in RecordCursor records, in EndpointRegistry registry, long head, long end, long tail)
    {
        long length = end - head;
        if (length <= 0 || end > tail || length > 2L * records.MaxRecordLength || (length & (RecordLayout.Alignment - 1)) != 0 ||
            !records.IsZero(head, end))
        {
            return false;
        }

        bool boundary = end == tail || records.HeaderAt(end).LoadAcquire() != 0;
        for (int i = 0; i < EndpointRegistry.SlotCount; i++)
        {
            EndpointSlot slot = registry[i];
            if (!slot.TryReadOwner(out _, out _) || slot.IntentLength.LoadAcquire() <= 0)
            {
                continue;
            }

            long start = slot.IntentPosition.LoadSingleWriter();
            if (start > head && start < end)
            {
                return false; // the tail once stood inside: these bytes are more than one reservation
            }

            boundary |= start == end;
        }

        return boundary;
    }

    /// <summary>Writes padding over [head, end), split at the end of the data area; the record at the head last.</summary>
    private static bool Pad(in RecordCursor records, long head, long end)
    {
        int toEnd = records.Capacity - (int)(head & (records.Capacity - 1));
        int length = (int)(end - head);
        if (length > toEnd)
        {
            records.HeaderAt(head + toEnd).StoreRelease(RecordLayout.Header(length - toEnd, RecordLayout.PaddingType));
            length = toEnd;
        }

        return records.HeaderAt(head).CompareAndSwap(0, RecordLayout.Header(length, RecordLayout.PaddingType));
    }
}
