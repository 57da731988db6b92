using System;

namespace RingIpc.Bench;

/// <summary>The copy ceiling: one thread copying payloads of a size out of a 4 MiB buffer (as large as the rings) into
/// another, as a ring's writer and reader each must; messages/s for the same payload sizes as the transports.</summary>
internal static class MemcpyCeiling
{
    private const int BufferBytes = 4 << 20;

    public static (long Messages, double Seconds) Run(int messageSize, TimeSpan warmup, TimeSpan measured)
    {
        byte[] source = new byte[BufferBytes];
        byte[] target = new byte[BufferBytes];
        Random.Shared.NextBytes(source);
        int slots = BufferBytes / messageSize;
        var window = new MeasuredWindow(warmup.TotalSeconds, measured.TotalSeconds);
        for (long copies = slots; ; copies += slots)
        {
            for (int slot = 0; slot < slots; slot++)
            {
                source.AsSpan(slot * messageSize, messageSize).CopyTo(target.AsSpan(slot * messageSize, messageSize));
            }

            if (window.Observe(copies))
            {
                return window.Result;
            }
        }
    }
}
