using System;
using System.Diagnostics;
using System.Globalization;
using System.Threading;

namespace RingIpc.Bench;

/// <summary>One process writes fixed-size messages into a ring; a child process reads them in batches.</summary>
internal static class RingThroughput
{
    /// <summary>The producer side, run by the main process: returns messages and seconds as the consumer measured them.</summary>
    public static (long Messages, double Seconds) Run(RingKind kind, int messageSize, long count)
    {
        string name = $"bench-{Environment.ProcessId}-{Guid.NewGuid():N}";
        try
        {
            using var ring = SharedRing.Create(name, new RingOptions { Kind = kind, Capacity = 1 << 22 });
            using var producer = ring.CreateProducer();
            using Process child = ChildProcess.Start(false, "ring-consumer", name, count.ToString(CultureInfo.InvariantCulture));
            Span<byte> message = stackalloc byte[messageSize];
            for (long i = 0; i < count;)
            {
                message[0] = (byte)i;
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

    /// <summary>The consumer side, run in the child process; prints "&lt;messages&gt; &lt;seconds&gt;" from the first
    /// message to the last.</summary>
    public static int Consume(string name, long count)
    {
        using var ring = SharedRing.Open(name);
        using var consumer = ring.CreateConsumer();
        long received = 0;
        long bytes = 0;
        RingMessageHandler handler = (_, payload) => bytes += payload.Length;
        var clock = new Stopwatch();
        var deadline = Stopwatch.StartNew();
        while (received < count)
        {
            int read = consumer.Read(handler, 1024);
            if (read == 0)
            {
                if (deadline.Elapsed > TimeSpan.FromMinutes(2))
                {
                    Console.WriteLine("timeout");
                    return 1;
                }

                Thread.SpinWait(8);
                continue;
            }

            if (!clock.IsRunning)
            {
                clock.Start();
            }

            received += read;
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{received} {clock.Elapsed.TotalSeconds}"));
        return 0;
    }
}
