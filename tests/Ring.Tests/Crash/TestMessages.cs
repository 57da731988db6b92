using System;
using System.Collections.Generic;
using System.Diagnostics;
using RingIpc.Peer;
using Xunit;

namespace RingIpc.Tests.Crash;

/// <summary>In-test ends of a crash test's ring, moving the peers' self-checking <see cref="TestMessage"/>s.</summary>
internal static class TestMessages
{
    /// <summary>Writes messages <paramref name="first"/> .. <paramref name="first"/> + <paramref name="count"/> − 1 of
    /// <paramref name="producer"/>, retrying a full ring for up to 10 s per message.</summary>
    public static void Write(RingProducer writer, int producer, long first, long count)
    {
        Span<byte> message = stackalloc byte[TestMessage.MaxLength];
        for (long sequence = first; sequence < first + count; sequence++)
        {
            Span<byte> body = message.Slice(0, TestMessage.LengthOf(producer, sequence));
            TestMessage.Write(body, producer, sequence);
            writer.Write(body, producer, TimeSpan.FromSeconds(10));
        }
    }

    /// <summary>Reads until the ring stays empty for <paramref name="quiet"/>, checking every message; returns the
    /// sequence numbers read, which must all be <paramref name="producer"/>'s.</summary>
    public static List<long> ReadAll(RingConsumer reader, int producer, TimeSpan quiet)
    {
        var sequences = new List<long>();
        string? error = null;
        void Handle(int type, ReadOnlySpan<byte> payload)
        {
            string? problem = TestMessage.Verify(payload, out int from, out long sequence);
            error ??= problem ?? (from == producer && type == producer ? null : $"producer {from}, type {type}");
            sequences.Add(sequence);
        }

        while (reader.Read(Handle, 64, quiet) != 0)
        {
        }

        Assert.True(error is null, error);
        return sequences;
    }

    /// <summary>Writes <paramref name="count"/> messages one at a time and reads each back at once: the ring moves on.</summary>
    public static void PingPong(RingProducer writer, RingConsumer reader, int producer, long count)
    {
        var clock = Stopwatch.StartNew();
        for (long sequence = 0; sequence < count; sequence++)
        {
            Write(writer, producer, sequence, 1);
            List<long> read = ReadAll(reader, producer, TimeSpan.Zero);
            Assert.True(read.Count == 1 && read[0] == sequence, $"message {sequence} of the ping-pong came back as [{string.Join(", ", read)}]");
        }

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), "the ping-pong took too long");
    }
}
