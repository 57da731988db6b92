using System;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Threading;

namespace RingIpc.Bench;

/// <summary>
/// Round-trip latency: this process writes a message into a "ping" ring, a child process echoes it into a
/// "pong" ring, this process waits for it; both sides use the same wait strategy.
/// </summary>
internal static class RoundTripLatency
{
    private static readonly TimeSpan WaitTimeout = TimeSpan.FromSeconds(30);

    /// <summary>Returns the round-trip times in microseconds, sorted.</summary>
    public static double[] Run(string strategy, int roundTrips)
    {
        string ping = $"bench-ping-{Environment.ProcessId}-{Guid.NewGuid():N}";
        string pong = $"bench-pong-{Environment.ProcessId}-{Guid.NewGuid():N}";
        try
        {
            using var pingRing = SharedRing.Create(ping, new RingOptions { Capacity = 4096 });
            using var pongRing = SharedRing.Create(pong, new RingOptions { Capacity = 4096 });
            using var writer = pingRing.CreateProducer(StrategyOf(strategy));
            using var reader = pongRing.CreateConsumer(StrategyOf(strategy));
            using Process child = ChildProcess.Start(false, "echo", ping, pong, strategy, roundTrips.ToString(CultureInfo.InvariantCulture));
            var times = new double[roundTrips];
            Span<byte> message = stackalloc byte[8];
            RingMessageHandler ignore = static (_, _) => { };
            for (int i = 0; i < roundTrips; i++)
            {
                long start = Stopwatch.GetTimestamp();
                writer.Write(message, WaitTimeout);
                if (reader.Read(ignore, 1, WaitTimeout) != 1)
                {
                    throw new TimeoutException("no echo");
                }

                times[i] = (Stopwatch.GetTimestamp() - start) * 1e6 / Stopwatch.Frequency;
                if (strategy != "spin")
                {
                    // Let the echo process fall asleep between round trips, as in a request/response
                    // exchange with think time: this measures the wake-up path.
                    Thread.Sleep(1);
                }
            }

            ChildProcess.ReadResult(child, TimeSpan.FromMinutes(1));
            Array.Sort(times);
            return times;
        }
        finally
        {
            SharedRing.Delete(ping);
            SharedRing.Delete(pong);
        }
    }

    /// <summary>The child: echoes every message from the ping ring into the pong ring.</summary>
    public static int Echo(string ping, string pong, string strategy, int roundTrips)
    {
        using var pingRing = SharedRing.Open(ping);
        using var pongRing = SharedRing.Open(pong);
        using var reader = pingRing.CreateConsumer(StrategyOf(strategy));
        using var writer = pongRing.CreateProducer(StrategyOf(strategy));
        for (int i = 0; i < roundTrips; i++)
        {
            if (!reader.WaitForData(WaitTimeout) || !reader.TryRead(out RingMessage message))
            {
                Console.WriteLine("timeout");
                return 1;
            }

            using (message)
            {
                writer.Write(message.Payload, WaitTimeout);
            }
        }

        Console.WriteLine($"{roundTrips} 0");
        return 0;
    }

    /// <summary>The baseline: the same round trip through the child's stdin and stdout pipes, with the same pause.</summary>
    public static double[] RunPipe(int roundTrips)
    {
        using Process child = ChildProcess.Start(true, "pipe-echo", roundTrips.ToString(CultureInfo.InvariantCulture));
        var toChild = child.StandardInput.BaseStream;
        var fromChild = child.StandardOutput.BaseStream;
        var times = new double[roundTrips];
        byte[] message = new byte[8];
        for (int i = 0; i < roundTrips; i++)
        {
            long start = Stopwatch.GetTimestamp();
            toChild.Write(message, 0, message.Length);
            toChild.Flush();
            ReadExactly(fromChild, message);
            times[i] = (Stopwatch.GetTimestamp() - start) * 1e6 / Stopwatch.Frequency;
            Thread.Sleep(1);
        }

        toChild.Close();
        child.WaitForExit(60_000);
        Array.Sort(times);
        return times;
    }

    /// <summary>The child of <see cref="RunPipe"/>: echoes 8-byte messages from stdin to stdout.</summary>
    public static int PipeEcho(int roundTrips)
    {
        using var input = Console.OpenStandardInput();
        using var output = Console.OpenStandardOutput();
        byte[] message = new byte[8];
        for (int i = 0; i < roundTrips; i++)
        {
            ReadExactly(input, message);
            output.Write(message, 0, message.Length);
            output.Flush();
        }

        return 0;
    }

    private static void ReadExactly(System.IO.Stream stream, byte[] buffer)
    {
        int filled = 0;
        while (filled < buffer.Length)
        {
            int read = stream.Read(buffer, filled, buffer.Length - filled);
            filled += read > 0 ? read : throw new System.IO.EndOfStreamException("the echo process closed its pipe");
        }
    }

    private static WaitStrategy StrategyOf(string name) => name == "spin" ? WaitStrategy.BusySpin : WaitStrategy.Default;
}
