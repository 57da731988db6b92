using System;
using System.Collections.Generic;
using System.Linq;
using FsCheck;
using FsCheck.Fluent;
using RingIpc.Bench;
using Xunit;

namespace RingIpc.Tests.Bench;

/// <summary>The harness's loss detection (<see cref="SizeSeries"/>) against a model: a delivery as the writer and a FIFO
/// transport make it is accepted with exactly the measured messages counted; the same delivery with one message lost,
/// duplicated, reordered or cut short is refused.</summary>
public class SizeSeriesTests
{
    private static readonly int[] Sizes = { 16, 64, 256 };

    /// <summary>One delivered message: its size and the phase the reader is in when it arrives.</summary>
    private sealed record Delivered(int Size, long Sequence, long PreviousCount, int ReaderPhase);

    /// <summary>A writer that writes <paramref name="counts"/> messages of each size; the reader moves on after
    /// <paramref name="measured"/> messages of a size, so the rest of that size arrive while it is in the next phase.</summary>
    private static List<Delivered> Delivery(int[] counts, int[] measured)
    {
        var delivered = new List<Delivered>();
        for (int phase = 0; phase < Sizes.Length; phase++)
        {
            for (long i = 0; i < counts[phase]; i++)
            {
                int readerPhase = i < measured[phase] || phase == Sizes.Length - 1 ? phase : phase + 1;
                delivered.Add(new Delivered(Sizes[phase], i, i == 0 && phase > 0 ? counts[phase - 1] : 0, readerPhase));
            }
        }

        return delivered;
    }

    /// <summary>Feeds the messages to a series, advancing it as the reader would; returns the counted messages per
    /// phase, or null once a message is refused.</summary>
    private static long[]? Read(IReadOnlyList<Delivered> messages)
    {
        var series = new SizeSeries(Sizes);
        var counted = new long[Sizes.Length];
        int phase = 0;
        foreach (Delivered message in messages)
        {
            while (phase < message.ReaderPhase)
            {
                series.Advance();
                phase++;
            }

            // Stamped whole, then cut to its size: a mutated message may be shorter than the stamp.
            byte[] stamped = new byte[Math.Max(message.Size, SizeSeries.MinimumSize)];
            SizeSeries.Stamp(stamped, message.Sequence, message.PreviousCount);
            switch (series.Check(stamped.AsSpan(0, message.Size)))
            {
                case SeriesCheck.Counted:
                    counted[phase]++;
                    break;
                case SeriesCheck.Wrong:
                    return null;
            }
        }

        return counted;
    }

    private static readonly Arbitrary<(int[] Counts, int[] Measured, int Mutation, int At)> Cases =
        Gen.ArrayOf(Gen.Choose(2, 40), Sizes.Length)
            .SelectMany(counts => Gen.ArrayOf(Gen.Choose(1, 40), Sizes.Length).Select(measured => (counts, measured.Select((m, i) => Math.Min(m, counts[i])).ToArray())))
            .SelectMany(_ => Gen.Choose(0, 3), (cm, mutation) => (cm.counts, cm.Item2, mutation))
            .SelectMany(_ => Gen.Choose(0, 1000), (cmm, at) => (cmm.counts, cmm.Item2, cmm.mutation, at))
            .ToArbitrary();

    [Fact]
    public void A_faithful_delivery_is_accepted_and_counts_exactly_the_measured_messages()
    {
        Prop.ForAll(Cases, c =>
        {
            List<Delivered> delivery = Delivery(c.Counts, c.Measured);
            long[]? counted = Read(delivery);
            long[] expected = delivery.Where(m => m.Size == Sizes[m.ReaderPhase]).GroupBy(m => m.ReaderPhase)
                .Aggregate(new long[Sizes.Length], (sums, g) => { sums[g.Key] = g.Count(); return sums; });
            return counted is not null && counted.SequenceEqual(expected);
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void A_lost_duplicated_reordered_or_short_message_is_refused()
    {
        Prop.ForAll(Cases, c =>
        {
            List<Delivered> delivery = Delivery(c.Counts, c.Measured);

            // The last message of the run cannot be missed by a reader that stops before it: it is never lost here.
            int at = c.At % (delivery.Count - 1);
            var mutated = new List<Delivered>(delivery);
            switch (c.Mutation)
            {
                case 0:
                    mutated.RemoveAt(at);
                    break;
                case 1:
                    mutated.Insert(at + 1, mutated[at]);
                    break;
                case 2:
                    (mutated[at], mutated[at + 1]) = (mutated[at + 1] with { ReaderPhase = mutated[at].ReaderPhase }, mutated[at] with { ReaderPhase = mutated[at + 1].ReaderPhase });
                    break;
                default:
                    mutated[at] = mutated[at] with { Size = mutated[at].Size / 2 }; // 8, 32 or 128 bytes: a size the row is not at, or too short
                    break;
            }

            return Read(mutated) is null;
        }).QuickCheckThrowOnFailure();
    }
}
