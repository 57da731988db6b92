using System;
using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using System.IO;

namespace RingIpc.Bench;

/// <summary>The stream baselines: the same messages as through the ring, each framed as a 4-byte length and the payload
/// (whose first 8 bytes are its sequence number), written one <c>Write</c> per message — so each message is delivered at
/// once, as through the ring — or through a 64 KiB <see cref="BufferedStream"/>. The child reads them, checks every
/// length and sequence number, and measures a fixed span after a warm-up as the ring's reader does; then it exits, and
/// the writer stops at the broken connection.</summary>
internal static class StreamThroughput
{
    private const int BufferedBytes = 64 * 1024;

    /// <summary>The writer side, in the main process: returns messages and seconds as the reader measured them.</summary>
    public static (long Messages, double Seconds) Run(StreamKind kind, bool buffered, int messageSize, TimeSpan warmup, TimeSpan measured)
    {
        string[] childArguments =
        {
            "stream-consumer", kind.ToString(), "", messageSize.ToString(CultureInfo.InvariantCulture),
            warmup.TotalSeconds.ToString(CultureInfo.InvariantCulture), measured.TotalSeconds.ToString(CultureInfo.InvariantCulture),
        };
        if (kind == StreamKind.AnonymousPipe)
        {
            using Process child = ChildProcess.Start(true, childArguments);
            Write(child.StandardInput.BaseStream, buffered, messageSize);
            return ChildProcess.ReadResult(child, TimeSpan.FromMinutes(2));
        }

        using StreamTransport.Listener listener = StreamTransport.Listen(kind);
        childArguments[2] = listener.Address;
        using Process connected = ChildProcess.Start(false, childArguments);
        using (Stream stream = listener.Accept())
        {
            Write(stream, buffered, messageSize);
        }

        return ChildProcess.ReadResult(connected, TimeSpan.FromMinutes(2));
    }

    /// <summary>Writes numbered frames until the reader has gone (its end closed: the write fails).</summary>
    private static void Write(Stream stream, bool buffered, int messageSize)
    {
        Stream output = buffered ? new BufferedStream(stream, BufferedBytes) : stream;
        byte[] frame = new byte[4 + messageSize];
        BinaryPrimitives.WriteInt32LittleEndian(frame, messageSize);
        try
        {
            for (long i = 0; ; i++)
            {
                BinaryPrimitives.WriteInt64LittleEndian(frame.AsSpan(4), i);
                output.Write(frame, 0, frame.Length);
            }
        }
        catch (IOException)
        {
            // The reader measured its span and exited.
        }
    }

    /// <summary>The reader side, in the child: prints "&lt;messages&gt; &lt;seconds&gt;" of the measured span, or fails
    /// (exit 1) on a bad frame, a lost, duplicated or reordered message, or a stream that ends early.</summary>
    public static int Consume(StreamKind kind, string address, int messageSize, double warmupSeconds, double measuredSeconds)
    {
        using Stream stream = StreamTransport.Open(kind, address);
        byte[] buffer = new byte[Math.Max(BufferedBytes, 2 * (4 + messageSize))];
        int frame = 4 + messageSize;
        long received = 0;
        int filled = 0;
        var window = new MeasuredWindow(warmupSeconds, measuredSeconds);
        while (true)
        {
            int read = stream.Read(buffer, filled, buffer.Length - filled);
            if (read == 0)
            {
                Console.WriteLine($"stream closed after {received} messages");
                return 1;
            }

            filled += read;
            int offset = 0;
            while (filled - offset >= frame)
            {
                int length = BinaryPrimitives.ReadInt32LittleEndian(buffer.AsSpan(offset));
                long sequence = BinaryPrimitives.ReadInt64LittleEndian(buffer.AsSpan(offset + 4));
                if (length != messageSize || sequence != received)
                {
                    Console.WriteLine($"bad frame at message {received}: length {length}, sequence {sequence}");
                    return 1;
                }

                offset += frame;
                received++;
            }

            Buffer.BlockCopy(buffer, offset, buffer, 0, filled - offset);
            filled -= offset;
            if (window.Observe(received))
            {
                Console.WriteLine(window.ResultLine);
                return 0;
            }
        }
    }
}
