using System;
using System.Buffers.Binary;
using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Threading;

namespace RingIpc.Bench;

/// <summary>
/// The floor any ring on this machine could at best reach, written as plainly as possible over a RingIpc
/// <see cref="SharedSection"/>: fixed-size messages in a 4 MiB data area, a head and a tail on their own cache lines, and
/// no protocol beyond a release-stored index (the writer publishes its tail after the payload; the reader publishes its head
/// after copying out). Not safe against a hostile or dying peer, not variable-length, no wake-ups: a ceiling, not a rival.
/// </summary>
internal static class RawFloor
{
    private const int DataBytes = 4 << 20;
    private const int HeadOffset = 0;
    private const int TailOffset = 128;
    private const int DataOffset = 256;

    /// <summary>The writer, in the main process: messages and seconds as the reader measured them.</summary>
    public static (long Messages, double Seconds) Run(int messageSize, TimeSpan warmup, TimeSpan measured)
    {
        string name = $"bench-floor-{Environment.ProcessId}-{Guid.NewGuid():N}";
        try
        {
            using var section = SharedSection.Create(name, DataOffset + DataBytes);
            using Process child = ChildProcess.Start(false, "floor-consumer", name, $"{messageSize}",
                warmup.TotalSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
                measured.TotalSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture));
            ref long head = ref Index(section, HeadOffset);
            ref long tail = ref Index(section, TailOffset);
            Span<byte> data = section.GetSpan(DataOffset, DataBytes);
            long position = 0;
            long knownHead = 0;
            for (long sequence = 0; !child.HasExited;)
            {
                // The reader's head is read only when the space known to be free runs out (its cache line stays put).
                // Acquire: the reader's head store follows its copy, so space below the head is free to overwrite.
                if (position - knownHead > DataBytes - messageSize)
                {
                    knownHead = Volatile.Read(ref head);
                    if (position - knownHead > DataBytes - messageSize)
                    {
                        Thread.SpinWait(1);
                    }

                    continue;
                }

                BinaryPrimitives.WriteInt64LittleEndian(data.Slice((int)(position % DataBytes), messageSize), sequence++);
                position += messageSize;
                Volatile.Write(ref tail, position); // release: the payload before the index that publishes it
            }

            return ChildProcess.ReadResult(child, TimeSpan.FromMinutes(1));
        }
        finally
        {
            SharedSection.Delete(name);
        }
    }

    /// <summary>The reader, in the child: copies every message out and checks its sequence number.</summary>
    public static int Consume(string name, int messageSize, double warmupSeconds, double measuredSeconds)
    {
        using var section = SharedSection.Open(name);
        ref long head = ref Index(section, HeadOffset);
        ref long tail = ref Index(section, TailOffset);
        Span<byte> data = section.GetSpan(DataOffset, DataBytes);
        byte[] copy = new byte[messageSize];
        var window = new MeasuredWindow(warmupSeconds, measuredSeconds);
        var idle = Stopwatch.StartNew();
        long position = 0;
        long received = 0;
        while (true)
        {
            long published = Volatile.Read(ref tail); // acquire: pairs with the writer's release of its tail
            if (published == position)
            {
                if (idle.Elapsed > TimeSpan.FromMinutes(1))
                {
                    Console.WriteLine("timeout");
                    return 1;
                }

                Thread.SpinWait(1);
                continue;
            }

            for (; position < published; position += messageSize, received++)
            {
                data.Slice((int)(position % DataBytes), messageSize).CopyTo(copy);
                if (BinaryPrimitives.ReadInt64LittleEndian(copy) != received)
                {
                    Console.WriteLine($"message {received} out of sequence");
                    return 1;
                }
            }

            Volatile.Write(ref head, position); // release: the copies before the space is handed back
            if (window.Observe(received))
            {
                Console.WriteLine(window.ResultLine);
                return 0;
            }
        }
    }

    /// <summary>Round trips through one shared cache line: this process stores an odd count, the child answers with the
    /// next even one. Returns the round-trip times in microseconds, sorted.</summary>
    public static double[] RoundTrips(int count)
    {
        string name = $"bench-floor-rt-{Environment.ProcessId}-{Guid.NewGuid():N}";
        try
        {
            using var section = SharedSection.Create(name, 4096);
            using Process child = ChildProcess.Start(false, "floor-echo", name, $"{count}");
            ref long line = ref Index(section, 0);
            var times = new double[count];
            var idle = Stopwatch.StartNew();
            for (int i = 0; i < count; i++)
            {
                long start = Stopwatch.GetTimestamp();
                Volatile.Write(ref line, 2L * i + 1);
                while (Volatile.Read(ref line) != 2L * i + 2)
                {
                    if (idle.Elapsed > TimeSpan.FromMinutes(1))
                    {
                        throw new TimeoutException("the floor echo process did not answer");
                    }

                    Thread.SpinWait(1);
                }

                times[i] = (Stopwatch.GetTimestamp() - start) * 1e6 / Stopwatch.Frequency;
            }

            ChildProcess.ReadResult(child, TimeSpan.FromMinutes(1));
            Array.Sort(times);
            return times;
        }
        finally
        {
            SharedSection.Delete(name);
        }
    }

    /// <summary>The child of <see cref="RoundTrips"/>: answers every odd count with the next even one.</summary>
    public static int Echo(string name, int count)
    {
        using var section = SharedSection.Open(name);
        ref long line = ref Index(section, 0);
        var idle = Stopwatch.StartNew();
        for (long i = 0; i < count; i++)
        {
            while (Volatile.Read(ref line) != 2 * i + 1)
            {
                if (idle.Elapsed > TimeSpan.FromMinutes(1))
                {
                    Console.WriteLine("timeout");
                    return 1;
                }

                Thread.SpinWait(1);
            }

            Volatile.Write(ref line, 2 * i + 2);
        }

        Console.WriteLine($"{count} 0");
        return 0;
    }

    private static ref long Index(SharedSection section, int offset) => ref MemoryMarshal.Cast<byte, long>(section.GetSpan(offset, 8))[0];
}
