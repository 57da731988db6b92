using System;
using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;

namespace RingIpc.Bench;

/// <summary>The stream baselines: the same messages as through the ring, each framed as a 4-byte length and the payload
/// (whose first 8 bytes are its sequence number), written one <c>Write</c> per message — so each message is delivered at
/// once, as through the ring — or through a 64 KiB <see cref="BufferedStream"/>. The child reads them, checks every
/// length and sequence number (<see cref="SizeSeries"/>), and measures each size of the row in turn as the ring's reader
/// does; the writer moves to the next size at each result, and stops after the last.</summary>
internal static class StreamThroughput
{
    private const int BufferedBytes = 64 * 1024;

    /// <summary>The writer side, in the main process: returns, per size, messages and seconds as the reader measured them.</summary>
    public static (long Messages, double Seconds)[] Run(StreamKind kind, bool buffered, int[] sizes, RowTiming timing)
    {
        string[] childArguments = { "stream-consumer", kind.ToString(), "", SizeSeries.FormatSizes(sizes), timing.Argument };
        Process? child = null;
        try
        {
            if (kind == StreamKind.AnonymousPipe)
            {
                child = ChildProcess.Start(true, childArguments);
                var results = new ResultLines(child, sizes.Length);
                Write(child.StandardInput.BaseStream, buffered, sizes, results);
                return results.Wait(TimeSpan.FromMinutes(2));
            }

            using StreamTransport.Listener listener = StreamTransport.Listen(kind);
            childArguments[2] = listener.Address;
            child = ChildProcess.Start(false, childArguments);
            var connectedResults = new ResultLines(child, sizes.Length);
            using (Stream stream = listener.Accept(child, TimeSpan.FromSeconds(30)))
            {
                Write(stream, buffered, sizes, connectedResults);
            }

            return connectedResults.Wait(TimeSpan.FromMinutes(2));
        }
        finally
        {
            ChildProcess.KillIfRunning(child);
            child?.Dispose();
        }
    }

    /// <summary>Writes numbered frames of each size until the reader has measured it; stops after the last size, or when
    /// the reader has gone (its end closed: the write fails).</summary>
    private static void Write(Stream stream, bool buffered, int[] sizes, ResultLines results)
    {
        Stream output = buffered ? new BufferedStream(stream, BufferedBytes) : stream;
        try
        {
            using (CorePinning.PinMain())
            {
                long written = 0;
                for (int phase = 0; phase < sizes.Length; phase++)
                {
                    byte[] frame = new byte[4 + sizes[phase]];
                    BinaryPrimitives.WriteInt32LittleEndian(frame, sizes[phase]);
                    long i = 0;
                    for (; (i & 63) != 0 || results.Done <= phase; i++)
                    {
                        SizeSeries.Stamp(frame.AsSpan(4), i, written);
                        output.Write(frame, 0, frame.Length);
                    }

                    written = i;
                }
            }

            output.Flush();
        }
        catch (IOException)
        {
            // The reader measured its last span and exited, or failed (its result says which).
        }
    }

    /// <summary>The reader side, in the child: prints "&lt;messages&gt; &lt;seconds&gt;" of each size's measured span,
    /// or fails (exit 1) on a bad frame, a lost, duplicated or reordered message, or a stream that ends early.</summary>
    public static int Consume(StreamKind kind, string address, int[] sizes, RowTiming timing)
    {
        using Stream stream = StreamTransport.Open(kind, address);
        byte[] buffer = new byte[Math.Max(BufferedBytes, 2 * (4 + sizes.Max()))];
        var series = new SizeSeries(sizes);
        long received = 0;
        int filled = 0;
        MeasuredWindow window = timing.Window(0);
        for (int phase = 0; ;)
        {
            int read = stream.Read(buffer, filled, buffer.Length - filled);
            if (read == 0)
            {
                Console.WriteLine($"stream closed after {received} messages of {series.Size} B");
                return 1;
            }

            filled += read;
            int offset = 0;
            while (filled - offset >= 4)
            {
                int length = BinaryPrimitives.ReadInt32LittleEndian(buffer.AsSpan(offset));
                if (length < SizeSeries.MinimumSize || length > buffer.Length - 4)
                {
                    Console.WriteLine($"bad frame length {length} at message {received} of {series.Size} B");
                    return 1;
                }

                if (filled - offset < 4 + length)
                {
                    break;
                }

                SeriesCheck check = series.Check(buffer.AsSpan(offset + 4, length));
                if (check == SeriesCheck.Wrong)
                {
                    Console.WriteLine($"bad frame at message {received} of {series.Size} B: length {length}");
                    return 1;
                }

                received += check == SeriesCheck.Counted ? 1 : 0;
                offset += 4 + length;
            }

            Buffer.BlockCopy(buffer, offset, buffer, 0, filled - offset);
            filled -= offset;
            if (window.Observe(received))
            {
                Console.WriteLine(window.ResultLine);
                if (++phase == sizes.Length)
                {
                    return 0;
                }

                series.Advance();
                received = 0;
                window = timing.Window(phase);
            }
        }
    }
}
