using System;

namespace RingIpc.Bench;

/// <summary>The copy ceiling: one thread copying payloads of a size out of a 4 MiB buffer (as large as the rings) into
/// another, as a ring's writer and reader each must; messages/s for the same payload sizes as the transports.</summary>
internal static class MemcpyCeiling
{
    private const int BufferBytes = 4 << 20;

    /// <summary>Per size, messages and seconds of the measured span (in this process, on its measuring core).</summary>
    public static (long Messages, double Seconds)[] Run(int[] sizes, RowTiming timing)
    {
        byte[] source = new byte[BufferBytes];
        byte[] target = new byte[BufferBytes];
        Random.Shared.NextBytes(source);
        var results = new (long Messages, double Seconds)[sizes.Length];
        using (CorePinning.PinMain())
        {
            for (int phase = 0; phase < sizes.Length; phase++)
            {
                results[phase] = Copy(source, target, sizes[phase], timing.Window(phase, inChild: false));
            }
        }

        return results;
    }

    private static (long Messages, double Seconds) Copy(byte[] source, byte[] target, int messageSize, MeasuredWindow window)
    {
        int slots = BufferBytes / messageSize;
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
