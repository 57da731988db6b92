using System;
using System.Diagnostics;
using System.Threading;

namespace RingIpc.Peer;

/// <summary>
/// The victims of the crash tests (tests/Ring.Tests/Crash): a producer or consumer that reports on standard output what
/// it has done, so that the test knows, after killing it (usually at a crash point armed by <c>RINGIPC_TEST_CRASH_AT</c>),
/// exactly what it committed or released.
/// </summary>
public static class CrashPeer
{
    /// <summary>Writes <see cref="TestMessage"/>s 0, 1, 2, ... of <paramref name="producer"/> (see
    /// <see cref="ProducerLoop"/>; <paramref name="how"/> <c>try</c> or <c>blocking</c>) and prints
    /// <c>committed &lt;sequence&gt;</c> after each commit.</summary>
    public static int Produce(string name, int producer, long count, string how, int timeoutSeconds) =>
        ProduceWith(name, producer, count, how, timeoutSeconds, new PrintedProgress());

    /// <summary>A victim of the producer chaos test: writes like <see cref="Produce"/> but records each step in slot
    /// <paramref name="producer"/> of the <see cref="ProgressLog"/> at <paramref name="logPath"/>, and holds each claim for
    /// a random 0-400 spins (as a producer filling a claim would), so that a random kill often lands in a claim.</summary>
    public static int ChaosProduce(string name, int producer, long count, string how, string logPath, int timeoutSeconds)
    {
        using ProgressLog log = ProgressLog.Open(logPath);
        return ProduceWith(name, producer, count, how, timeoutSeconds, new LoggedProgress(log, producer));
    }

    private static int ProduceWith(string name, int producer, long count, string how, int timeoutSeconds, IProducerProgress progress)
    {
        using SharedRing ring = SharedRing.Open(name);
        using RingProducer writer = ring.CreateProducer();
        Console.WriteLine("attached");
        long written = ProducerLoop.Run(writer, producer, count, how == "blocking", TimeSpan.FromSeconds(timeoutSeconds), progress);
        if (written < count)
        {
            return Program.Fail($"producer {producer}: timed out after {written} of {count} messages");
        }

        Console.WriteLine($"produced {count}");
        return 0;
    }

    /// <summary>Reads for up to <paramref name="seconds"/>, printing <c>handed &lt;producer&gt; &lt;sequence&gt;</c> for each
    /// message handed out and <c>released</c> once the messages handed out so far are released: after each batch
    /// <c>Read</c> (<paramref name="how"/> <c>batch</c>) or each disposed <c>TryRead</c> message (<c>try</c>; and
    /// <c>drain-then-stop</c>, which prints <c>drained</c> once the ring is empty and then sleeps without a call).
    /// A corrupt message fails the process.</summary>
    public static int Consume(string name, string how, int seconds)
    {
        var clock = Stopwatch.StartNew();
        using SharedRing ring = SharedRing.Open(name);
        using RingConsumer reader = ring.CreateConsumer();
        Console.WriteLine("attached");
        string? error = null;
        void Hand(int type, ReadOnlySpan<byte> payload)
        {
            string? problem = TestMessage.Verify(payload, out int producer, out long sequence);
            error ??= problem;
            Console.WriteLine($"handed {producer} {sequence}");
        }

        RingMessageHandler handler = Hand;
        while (clock.Elapsed.TotalSeconds < seconds && error is null)
        {
            if (how == "drain-then-stop" && !reader.HasMessage())
            {
                // Drained: what was read last is held back, unreleased; stop calling the ring and wait to be killed.
                Console.WriteLine("drained");
                Thread.Sleep(TimeSpan.FromSeconds(seconds));
                break;
            }

            int read;
            if (how == "batch")
            {
                read = reader.Read(handler, maxMessages: 16, TimeSpan.FromMilliseconds(100));
            }
            else if (reader.TryRead(out RingMessage message)) // try, drain-then-stop
            {
                using (message)
                {
                    Hand(message.MessageType, message.Payload);
                }

                read = 1;
            }
            else
            {
                reader.WaitForData(TimeSpan.FromMilliseconds(100));
                read = 0;
            }

            if (read != 0)
            {
                Console.WriteLine("released");
            }
        }

        return error is null ? 0 : Program.Fail("consumer: " + error);
    }

    private sealed class PrintedProgress : IProducerProgress
    {
        public void Writing(long sequence)
        {
        }

        public void Claimed(long sequence)
        {
        }

        public void Committing(long sequence)
        {
        }

        public void Committed(long sequence) => Console.WriteLine("committed " + sequence);

        public void Refused(long sequence)
        {
        }
    }

    private sealed class LoggedProgress(ProgressLog log, int slot) : IProducerProgress
    {
        private readonly Random _random = new(Process.GetCurrentProcess().Id);

        public void Writing(long sequence) => log.Record(slot, ProducerStep.Writing, sequence);

        public void Claimed(long sequence)
        {
            log.Record(slot, ProducerStep.Claimed, sequence);
            Thread.SpinWait(_random.Next(0, 400));
        }

        public void Committing(long sequence) => log.Record(slot, ProducerStep.Committing, sequence);

        public void Committed(long sequence) => log.Record(slot, ProducerStep.Committed, sequence);

        public void Refused(long sequence) => log.Record(slot, ProducerStep.Refused, sequence);
    }
}
