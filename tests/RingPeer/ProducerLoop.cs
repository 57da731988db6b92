using System;
using System.Diagnostics;

namespace RingIpc.Peer;

/// <summary>What a producer peer tells about each message as it goes (see <see cref="ProducerLoop"/>).</summary>
internal interface IProducerProgress
{
    /// <summary>Before the call that reserves space for message <paramref name="sequence"/>.</summary>
    void Writing(long sequence);

    /// <summary><c>TryClaim</c> returned the claim for message <paramref name="sequence"/>.</summary>
    void Claimed(long sequence);

    /// <summary>Just before <c>Commit</c> of the claim for message <paramref name="sequence"/>.</summary>
    void Committing(long sequence);

    /// <summary>The write or commit of message <paramref name="sequence"/> returned.</summary>
    void Committed(long sequence);

    /// <summary><c>TryWrite</c> or <c>TryClaim</c> refused message <paramref name="sequence"/> (the ring was full): it
    /// holds nothing of the ring while it backs off.</summary>
    void Refused(long sequence);
}

/// <summary>The producer peers' write loop: <see cref="TestMessage"/>s 0, 1, 2, ... of one producer.</summary>
internal static class ProducerLoop
{
    /// <summary>Writes messages 0 .. <paramref name="count"/> − 1. <paramref name="blocking"/> uses <c>Write</c>, which
    /// sleeps on a full ring; otherwise it alternates the copy path (<c>TryWrite</c>) and the zero-copy path
    /// (<c>TryClaim</c>/<c>Commit</c>) and backs off when full.</summary>
    /// <returns>How many were written: fewer than <paramref name="count"/> when the ring stayed full past
    /// <paramref name="timeout"/>.</returns>
    public static long Run(RingProducer writer, int producer, long count, bool blocking, TimeSpan timeout, IProducerProgress? progress = null)
    {
        var backoff = new Backoff(Stopwatch.StartNew(), (long)timeout.TotalMilliseconds);
        Span<byte> message = stackalloc byte[TestMessage.MaxLength];
        for (long sequence = 0; sequence < count;)
        {
            int length = TestMessage.LengthOf(producer, sequence);
            Span<byte> body = message.Slice(0, length);
            progress?.Writing(sequence);
            bool written;
            if (blocking)
            {
                TestMessage.Write(body, producer, sequence);
                writer.Write(body, producer, timeout);
                written = true;
            }
            else if ((sequence & 1) == 0)
            {
                TestMessage.Write(body, producer, sequence);
                written = writer.TryWrite(body, messageType: producer);
            }
            else if (writer.TryClaim(length, out RingClaim claim, messageType: producer))
            {
                progress?.Claimed(sequence);
                TestMessage.Write(claim.Span, producer, sequence);
                progress?.Committing(sequence);
                claim.Commit();
                written = true;
            }
            else
            {
                written = false;
            }

            if (written)
            {
                progress?.Committed(sequence);
                sequence++;
                backoff.Reset();
            }
            else
            {
                progress?.Refused(sequence);
                if (!backoff.Wait())
                {
                    return sequence;
                }
            }
        }

        return count;
    }
}
