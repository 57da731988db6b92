using System;
using System.Buffers.Binary;
using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Linq;
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

    /// <summary>Where the writer stopped writing the previous size (written once per size, before <see cref="PhaseOffset"/>).</summary>
    private const int SwitchOffset = 192;

    /// <summary>The index of the size the writer writes now.</summary>
    private const int PhaseOffset = 200;
    private const int DataOffset = 256;

    /// <summary>The writer, in the main process: per size, messages and seconds as the reader measured them.</summary>
    public static (long Messages, double Seconds)[] Run(int[] sizes, RowTiming timing)
    {
        string name = $"bench-floor-{Environment.ProcessId}-{Guid.NewGuid():N}";
        Process? child = null;
        try
        {
            using var section = SharedSection.Create(name, DataOffset + DataBytes);
            child = ChildProcess.Start(false, "floor-consumer", name, SizeSeries.FormatSizes(sizes), timing.Argument);
            var results = new ResultLines(child, sizes.Length);
            ref long head = ref Index(section, HeadOffset);
            ref long tail = ref Index(section, TailOffset);
            Span<byte> data = section.GetSpan(DataOffset, DataBytes);
            long position = 0;
            long knownHead = 0;
            using (CorePinning.PinMain())
            {
                for (int phase = 0; phase < sizes.Length; phase++)
                {
                    int size = sizes[phase];
                    for (long sequence = 0; (sequence & 63) != 0 || results.Done <= phase;)
                    {
                        // The reader's head is read only when the space known to be free runs out (its cache line stays put).
                        // Acquire: the reader's head store follows its copy, so space below the head is free to overwrite.
                        if (position - knownHead > DataBytes - size)
                        {
                            knownHead = Volatile.Read(ref head);
                            if (position - knownHead > DataBytes - size)
                            {
                                if (results.Done > phase)
                                {
                                    break;
                                }

                                CpuPause.Once();
                            }

                            continue;
                        }

                        BinaryPrimitives.WriteInt64LittleEndian(data.Slice((int)(position % DataBytes), size), sequence++);
                        position += size;
                        Volatile.Write(ref tail, position); // release: the payload before the index that publishes it
                    }

                    if (phase + 1 < sizes.Length)
                    {
                        // Release, in this order: the reader that sees a tail past the switch then sees the new phase too.
                        Volatile.Write(ref Index(section, SwitchOffset), position);
                        Volatile.Write(ref Index(section, PhaseOffset), phase + 1);
                        position = AlignUp(position, sizes[phase + 1]);
                    }
                }
            }

            return results.Wait(TimeSpan.FromMinutes(1));
        }
        finally
        {
            ChildProcess.KillIfRunning(child);
            child?.Dispose();
            SharedSection.Delete(name);
        }
    }

    /// <summary>The reader, in the child: copies every message out and checks its sequence number; one result line per size.</summary>
    public static int Consume(string name, int[] sizes, RowTiming timing)
    {
        using var section = SharedSection.Open(name);
        ref long head = ref Index(section, HeadOffset);
        ref long tail = ref Index(section, TailOffset);
        Span<byte> data = section.GetSpan(DataOffset, DataBytes);
        byte[] copy = new byte[sizes.Max()];
        var idle = new IdleTimeout(TimeSpan.FromMinutes(1));
        long position = 0;
        long switchAt = long.MaxValue;
        int phase = 0; // the size of the records at position
        int measuring = 0; // the size being measured: phase, or one more while the previous size drains
        long sequence = 0;
        long received = 0;
        MeasuredWindow window = timing.Window(0);
        while (true)
        {
            // Acquire, tail first: a tail past the writer's switch comes with the phase and switch position stored before it.
            long published = Volatile.Read(ref tail);
            if (switchAt == long.MaxValue && Volatile.Read(ref Index(section, PhaseOffset)) > phase)
            {
                switchAt = Volatile.Read(ref Index(section, SwitchOffset));
            }

            if (position == switchAt)
            {
                phase++;
                position = AlignUp(position, sizes[phase]);
                (switchAt, sequence) = (long.MaxValue, 0);
                continue;
            }

            long limit = Math.Min(published, switchAt);
            if (limit == position)
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
            int size = sizes[phase];
            for (; position < limit; position += size, sequence++)
            {
                data.Slice((int)(position % DataBytes), size).CopyTo(copy);
                if (BinaryPrimitives.ReadInt64LittleEndian(copy) != sequence)
                {
                    Console.WriteLine($"message {sequence} of {size} B out of sequence");
                    return 1;
                }
            }

            Volatile.Write(ref head, position); // release: the copies before the space is handed back
            if (phase != measuring)
            {
                continue;
            }

            received = sequence;
            if (window.Observe(received))
            {
                Console.WriteLine(window.ResultLine);
                if (++measuring == sizes.Length)
                {
                    return 0;
                }

                window = timing.Window(measuring);
            }
        }
    }

    private static long AlignUp(long position, int size) => (position + size - 1) / size * size;

    /// <summary>The 8-byte word at <paramref name="offset"/> of the section.</summary>
    public static ref long Index(SharedSection section, int offset) => ref MemoryMarshal.Cast<byte, long>(section.GetSpan(offset, 8))[0];
}
