using System;
using System.Threading;

namespace RingIpc.Peer;

/// <summary>Producer and consumer that use the blocking (and asynchronous) API: a wait that exceeds its
/// timeout fails the run, so a lost wake-up cannot go unnoticed.</summary>
internal static class BlockingPeer
{
    /// <summary>Writes bursts (<see cref="WriteBursts"/>) under the named strategy (<see cref="Strict.Strategy"/>).</summary>
    public static int Produce(string name, int producer, long count, int waitTimeoutSeconds, string strategy)
    {
        using SharedRing ring = SharedRing.Open(name);
        using RingProducer writer = ring.CreateProducer(Strict.Strategy(strategy));
        string? error = WriteBursts(writer, producer, count, TimeSpan.MaxValue, TimeSpan.FromSeconds(waitTimeoutSeconds), out _, out _);
        if (error is not null)
        {
            return Program.Fail(error);
        }

        Console.WriteLine(Strict.Describe(writer.Waits));
        Console.WriteLine($"produced {count} wakes={writer.WakeCalls}");
        return 0;
    }

    /// <summary>Writes <see cref="TestMessage"/>s 0, 1, 2, ... of <paramref name="producer"/> in bursts of 1-2000, each
    /// followed by a pause of 0-2 ms in which the consumer falls asleep, until <paramref name="count"/> are written or
    /// <paramref name="duration"/> has passed. Returns null, or why it failed (a write that waited past
    /// <paramref name="timeout"/>: a lost wake-up).</summary>
    public static string? WriteBursts(RingProducer writer, int producer, long count, TimeSpan duration, TimeSpan timeout, out long written, out long bytes)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var random = new Random(producer * 7919 + 17);
        byte[] message = new byte[TestMessage.MaxLength];
        long sequence = 0;
        bytes = 0;
        while (sequence < count && clock.Elapsed < duration)
        {
            long burstEnd = Math.Min(count, sequence + random.Next(1, 2001));
            for (; sequence < burstEnd; sequence++)
            {
                int length = TestMessage.LengthOf(producer, sequence);
                TestMessage.Write(message.AsSpan(0, length), producer, sequence);
                try
                {
                    writer.Write(message.AsSpan(0, length), producer, timeout);
                }
                catch (TimeoutException exception)
                {
                    written = sequence;
                    return $"producer {producer}: message {sequence}: {exception.Message}";
                }

                bytes += length;
            }

            int pauseUs = random.Next(0, 2001);
            if (pauseUs >= 1000)
            {
                Thread.Sleep(pauseUs / 1000);
            }
            else
            {
                Thread.SpinWait(pauseUs * 10);
            }
        }

        written = sequence;
        return null;
    }

    public static int Consume(string name, int producers, long countPerProducer, int waitTimeoutSeconds, string strategy, bool async)
    {
        var timeout = TimeSpan.FromSeconds(waitTimeoutSeconds);
        using SharedRing ring = SharedRing.Open(name);
        using RingConsumer reader = ring.CreateConsumer(Strict.Strategy(strategy));

        // "slow": pause 2 ms every 5000 messages, so that a fast producer fills the ring and must sleep.
        long pauseEvery = strategy == "slow" ? 5000 : long.MaxValue;
        long nextPause = pauseEvery;
        Console.WriteLine("attached");
        var verifier = new Verifier(producers, countPerProducer);
        RingMessageHandler handler = verifier.Handler;
        long total = producers * countPerProducer;
        while (verifier.Received < total && verifier.Error is null)
        {
            int read;
            if (async)
            {
                using var cancellation = new CancellationTokenSource(timeout);
                try
                {
                    read = reader.ReadAsync(handler, 256, cancellation.Token).AsTask().GetAwaiter().GetResult();
                }
                catch (OperationCanceledException)
                {
                    read = 0;
                }
            }
            else
            {
                read = reader.Read(handler, 256, timeout);
            }

            if (read == 0)
            {
                return Program.Fail($"consumer: no data within {timeout} after {verifier.Received} of {total} messages (lost wake-up?)");
            }

            if (verifier.Received >= nextPause)
            {
                nextPause += pauseEvery;
                Thread.Sleep(2);
            }
        }

        if (verifier.Error is not null)
        {
            return Program.Fail(verifier.Error);
        }

        Console.WriteLine(Strict.Describe(reader.Waits));
        Console.WriteLine($"verified {verifier.Received} messages from {producers} producers wakes={reader.WakeCalls}");
        return 0;
    }
}
