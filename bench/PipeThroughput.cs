using System;
using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using System.IO;

namespace RingIpc.Bench;

/// <summary>The baseline: the same messages, length-prefixed, one write() each, through an anonymous pipe (the child's stdin).</summary>
internal static class PipeThroughput
{
    public static (long Messages, double Seconds) Run(int messageSize, long count)
    {
        using Process child = ChildProcess.Start(true, "pipe-consumer", messageSize.ToString(CultureInfo.InvariantCulture), count.ToString(CultureInfo.InvariantCulture));
        Stream pipe = child.StandardInput.BaseStream;
        byte[] frame = new byte[4 + messageSize];
        BinaryPrimitives.WriteInt32LittleEndian(frame, messageSize);
        for (long i = 0; i < count; i++)
        {
            // One write per message, so each message is delivered at once, as through the ring.
            frame[4] = (byte)i;
            pipe.Write(frame, 0, frame.Length);
        }

        pipe.Flush();
        return ChildProcess.ReadResult(child, TimeSpan.FromMinutes(2));
    }

    public static int Consume(int messageSize, long count)
    {
        Stream pipe = Console.OpenStandardInput();
        byte[] buffer = new byte[64 * 1024];
        int frame = 4 + messageSize;
        long received = 0;
        int filled = 0;
        var clock = new Stopwatch();
        while (received < count)
        {
            int read = pipe.Read(buffer, filled, buffer.Length - filled);
            if (read == 0)
            {
                Console.WriteLine("pipe closed early");
                return 1;
            }

            clock.Start();
            filled += read;
            int offset = 0;
            while (filled - offset >= frame)
            {
                int length = BinaryPrimitives.ReadInt32LittleEndian(buffer.AsSpan(offset));
                if (length != messageSize)
                {
                    Console.WriteLine("bad frame");
                    return 1;
                }

                offset += frame;
                received++;
            }

            Buffer.BlockCopy(buffer, offset, buffer, 0, filled - offset);
            filled -= offset;
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{received} {clock.Elapsed.TotalSeconds}"));
        return 0;
    }
}
