using System;
using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using System.Threading;

namespace RingIpc.Bench;

/// <summary>One process writes fixed-size messages into a ring; a child process reads them in batches and checks
/// their sequence numbers. The child measures for a fixed time after a warm-up (so both sides run their final,
/// tiered-up code, not the first tier the JIT starts with), then exits; the writer stops when it has.</summary>
internal static class RingThroughput
{
    /// <summary>The producer side, run by the main process: returns messages and seconds as the consumer measured them.</summary>
    public static (long Messages, double Seconds) Run(RingKind kind, int messageSize, TimeSpan warmup, TimeSpan measured)
    {
        string name = $"bench-{Environment.ProcessId}-{Guid.NewGuid():N}";
        try
        {
            using var ring = SharedRing.Create(name, new RingOptions { Kind = kind, Capacity = 1 << 22 });
            using var producer = ring.CreateProducer();
            using Process child = ChildProcess.Start(false, "ring-consumer", name,
                warmup.TotalSeconds.ToString(CultureInfo.InvariantCulture), measured.TotalSeconds.ToString(CultureInfo.InvariantCulture));
            int childExited = 0;
            var watcher = new Thread(() =>
            {
                child.WaitForExit();
                Volatile.Write(ref childExited, 1);
            }) { IsBackground = true };
            watcher.Start();

            Span<byte> message = stackalloc byte[messageSize];
            for (long i = 0; Volatile.Read(ref childExited) == 0;)
            {
                BinaryPrimitives.WriteInt64LittleEndian(message, i);
                if (producer.TryWrite(message))
                {
                    i++;
                }
                else
                {
                    Thread.SpinWait(8);
                }
            }

            return ChildProcess.ReadResult(child, TimeSpan.FromMinutes(2));
        }
        finally
        {
            SharedRing.Delete(name);
        }
    }

    /// <summary>The consumer side, run in the child process; prints "&lt;messages&gt; &lt;seconds&gt;" of the measured
    /// span and fails (exit 1) if a message was lost, duplicated or reordered.</summary>
    public static int Consume(string name, double warmupSeconds, double measuredSeconds)
    {
        using var ring = SharedRing.Open(name);
        using var consumer = ring.CreateConsumer();
        long expected = 0;
        long wrong = 0;
        byte[] copy = new byte[ring.MaxMessageLength];
        RingMessageHandler handler = (_, payload) =>
        {
            // Copy out, then check, as every transport's reader does (a zero-copy reader may skip the copy).
            payload.CopyTo(copy);
            if (BinaryPrimitives.ReadInt64LittleEndian(copy) != expected)
            {
                wrong++;
            }

            expected++;
        };
        var window = new MeasuredWindow(warmupSeconds, measuredSeconds);
        var idle = Stopwatch.StartNew();
        while (true)
        {
            if (consumer.Read(handler, 1024) == 0)
            {
                if (idle.Elapsed > TimeSpan.FromMinutes(2))
                {
                    Console.WriteLine("timeout");
                    return 1;
                }

                Thread.SpinWait(8);
                continue;
            }

            if (wrong != 0)
            {
                Console.WriteLine($"{wrong} messages out of sequence");
                return 1;
            }

            if (window.Observe(expected))
            {
                Console.WriteLine(window.ResultLine);
                return 0;
            }
        }
    }
}
