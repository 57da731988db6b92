using System;
using System.Buffers.Binary;
using System.Diagnostics;
using System.Threading;

namespace RingIpc.Bench;

/// <summary>A RingIpc throughput row: the ring's kind, how messages are written and read, and how many processes write.</summary>
/// <param name="Kind">SPSC or MPSC.</param>
/// <param name="ZeroCopy">False: <c>TryWrite</c> copies each message in. True: the writer fills a <c>TryClaim</c> in place
/// (its sequence number) and commits it. Either way the reader copies each payload out of a batch <c>Read</c>.</param>
/// <param name="Producers">1, or 2 for MPSC: this process and a second child process write at once.</param>
/// <param name="Batched">True: the writer copies messages into <c>TryBeginBatch</c> batches of
/// <see cref="RingThroughput.BatchBytes"/> (64 KiB, a <c>BufferedStream</c>'s buffer), each committed when the next
/// message does not fit, so the reader sees ~64 KiB at a time, as a buffered stream's reader does.</param>
internal sealed record RingRow(RingKind Kind, bool ZeroCopy = false, int Producers = 1, bool Batched = false)
{
    /// <summary>The row's label in the tables, e.g. "ring spsc", "ring mpsc zero-copy", "ring mpsc 2 procs", "ring spsc batched".</summary>
    public string Label => $"ring {Kind.ToString().ToLowerInvariant()}" + (ZeroCopy ? " zero-copy" : "") + (Producers > 1 ? $" {Producers} procs" : "")
        + (Batched ? " batched" : "");
}

/// <summary>One process writes fixed-size messages into a ring (with a second writer process for a 2-producer row); a
/// child process reads them in batches and checks every writer's sequence numbers. For each payload size of the row in
/// turn, the child measures for a fixed time after a warm-up (so every side runs its final, tiered-up code, not the
/// first tier the JIT starts with) and prints its result; the writers then move to the next size (<see cref="SizeSeries"/>).</summary>
internal static class RingThroughput
{
    /// <summary>The bytes a batched row's writer reserves per batch (or one message's record, where that is larger).</summary>
    public const int BatchBytes = 64 * 1024;

    /// <summary>The message type of this process's messages; a second writer process writes type 2.</summary>
    private const int MainWriter = 1;

    /// <summary>The writer side, run by the main process: returns, per size, messages and seconds as the consumer measured them.</summary>
    public static (long Messages, double Seconds)[] Run(RingRow row, int[] sizes, RowTiming timing)
    {
        string name = $"bench-{Environment.ProcessId}-{Guid.NewGuid():N}";
        Process? child = null;
        Process? secondWriter = null;
        try
        {
            using var ring = SharedRing.Create(name, new RingOptions { Kind = row.Kind, Capacity = 1 << 22 });
            using var producer = ring.CreateProducer();
            if (row.Producers > 1)
            {
                // Told each move to the next size by one line on its standard input; stops when that closes. Started
                // first, and waited for until it has attached, so that both writers write from the first size on.
                secondWriter = ChildProcess.Start(true, "ring-producer", name, row.ZeroCopy ? "zero-copy" : "copy", SizeSeries.FormatSizes(sizes), $"{MainWriter + 1}");
                if (secondWriter.StandardOutput.ReadLine() != "ready")
                {
                    throw new InvalidOperationException("the second writer process did not attach");
                }
            }

            child = ChildProcess.Start(false, "ring-consumer", name, row.ZeroCopy ? "zero-copy" : "copy", $"{row.Producers}",
                SizeSeries.FormatSizes(sizes), timing.Argument);
            var results = new ResultLines(child, sizes.Length);

            using (CorePinning.PinMain())
            {
                long written = 0;
                for (int phase = 0; phase < sizes.Length; phase++)
                {
                    int finished = phase;
                    Func<bool> done = () => results.Done > finished;
                    written = row.Batched
                        ? ProduceBatches(producer, sizes[phase], written, done)
                        : Produce(producer, row.ZeroCopy, sizes[phase], written, MainWriter, done);
                    secondWriter?.StandardInput.WriteLine();
                    secondWriter?.StandardInput.Flush();
                }
            }

            (long Messages, double Seconds)[] measured = results.Wait(TimeSpan.FromMinutes(2));
            if (secondWriter is not null)
            {
                secondWriter.StandardInput.Close();
                if (!secondWriter.WaitForExit(60_000) || secondWriter.ExitCode != 0)
                {
                    throw new InvalidOperationException("the second writer process failed or did not stop");
                }
            }

            return measured;
        }
        finally
        {
            ChildProcess.KillIfRunning(child);
            ChildProcess.KillIfRunning(secondWriter);
            child?.Dispose();
            secondWriter?.Dispose();
            SharedRing.Delete(name);
        }
    }

    /// <summary>The second writer process of a 2-producer row: writes type <paramref name="writer"/> messages of each
    /// size in turn, moving on at each line on its standard input, until that closes.</summary>
    public static int ProduceInChild(string name, bool zeroCopy, int[] sizes, int writer)
    {
        using var ring = SharedRing.Open(name);
        using var producer = ring.CreateProducer();
        Console.WriteLine("ready");
        int moves = 0;
        var stdin = new Thread(() =>
        {
            while (Console.In.ReadLine() is not null)
            {
                Interlocked.Increment(ref moves);
            }

            Volatile.Write(ref moves, int.MaxValue);
        }) { IsBackground = true };
        stdin.Start();
        long written = 0;
        for (int phase = 0; phase < sizes.Length && Volatile.Read(ref moves) < int.MaxValue; phase++)
        {
            int finished = phase;
            written = Produce(producer, zeroCopy, sizes[phase], written, writer, () => Volatile.Read(ref moves) > finished);
        }

        return 0;
    }

    /// <summary>Writes numbered messages of one writer and one size (<see cref="SizeSeries.Stamp"/>) until
    /// <paramref name="done"/> (checked every 64 messages, and at every poll of a full ring); one pause between polls of a
    /// full ring. Returns how many it wrote.</summary>
    private static long Produce(RingProducer producer, bool zeroCopy, int messageSize, long previousCount, int writer, Func<bool> done)
    {
        Span<byte> message = stackalloc byte[messageSize];
        for (long i = 0; ;)
        {
            bool written;
            if (zeroCopy)
            {
                written = producer.TryClaim(messageSize, out RingClaim claim, writer);
                if (written)
                {
                    SizeSeries.Stamp(claim.Span, i, previousCount);
                    claim.Commit();
                }
            }
            else
            {
                SizeSeries.Stamp(message, i, previousCount);
                written = producer.TryWrite(message, writer);
            }

            if (written)
            {
                if ((++i & 63) == 0 && done())
                {
                    return i;
                }
            }
            else
            {
                if (done())
                {
                    return i;
                }

                CpuPause.Once();
            }
        }
    }

    /// <summary>As <see cref="Produce"/>, in batches of <see cref="BatchBytes"/>: each is committed when the next message
    /// does not fit, and when <paramref name="done"/> (checked every 64 messages, and at every poll of a full ring).</summary>
    private static long ProduceBatches(RingProducer producer, int messageSize, long previousCount, Func<bool> done)
    {
        Span<byte> message = stackalloc byte[messageSize];
        int batchBytes = Math.Min(producer.MaxBatchLength, Math.Max(BatchBytes, messageSize + 8));
        for (long i = 0; ;)
        {
            if (!producer.TryBeginBatch(batchBytes, out RingBatch batch))
            {
                if (done())
                {
                    return i;
                }

                CpuPause.Once();
                continue;
            }

            while (true)
            {
                SizeSeries.Stamp(message, i, previousCount);
                if (!batch.TryWrite(message, MainWriter))
                {
                    if (batch.Count == 0)
                    {
                        throw new InvalidOperationException($"A batch of {batchBytes} bytes cannot hold one {messageSize}-byte message.");
                    }

                    break;
                }

                if ((++i & 63) == 0 && done())
                {
                    batch.Commit();
                    return i;
                }
            }

            batch.Commit();
        }
    }

    /// <summary>The consumer side, run in the child process; prints "&lt;messages&gt; &lt;seconds&gt;" of each size's
    /// measured span and fails (exit 1) if a message was lost, duplicated or reordered.</summary>
    public static int Consume(string name, bool zeroCopy, int writers, int[] sizes, RowTiming timing)
    {
        using var ring = SharedRing.Open(name);
        using var consumer = ring.CreateConsumer();
        long received = 0;
        long wrong = 0;
        var series = new SizeSeries[MainWriter + writers]; // indexed by message type: 1 and, with two writers, 2
        for (int writer = MainWriter; writer < series.Length; writer++)
        {
            series[writer] = new SizeSeries(sizes);
        }

        byte[] copy = new byte[ring.MaxMessageLength];
        RingMessageHandler handler = (type, payload) =>
        {
            // Copy out, then check, as every transport's reader does (zero-copy rows too: only their writer skips a copy).
            payload.CopyTo(copy);
            SeriesCheck check = type >= MainWriter && type < series.Length ? series[type].Check(copy.AsSpan(0, payload.Length)) : SeriesCheck.Wrong;
            if (check == SeriesCheck.Counted)
            {
                received++;
            }
            else if (check == SeriesCheck.Wrong)
            {
                wrong++;
            }
        };
        var idle = new IdleTimeout(TimeSpan.FromMinutes(2));
        for (int phase = 0; phase < sizes.Length; phase++)
        {
            received = 0;
            MeasuredWindow window = timing.Window(phase);
            while (true)
            {
                if (consumer.Read(handler, 1024) == 0)
                {
                    if (idle.Expired())
                    {
                        Console.WriteLine("timeout");
                        return 1;
                    }

                    CpuPause.Once();
                    continue;
                }

                idle.Progress();
                if (wrong != 0)
                {
                    Console.WriteLine($"{wrong} messages out of sequence");
                    return 1;
                }

                if (window.Observe(received))
                {
                    Console.WriteLine(window.ResultLine);
                    break;
                }
            }

            if (phase + 1 < sizes.Length)
            {
                for (int writer = MainWriter; writer < series.Length; writer++)
                {
                    series[writer].Advance();
                }
            }
        }

        return 0;
    }
}
