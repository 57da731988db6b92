using System;
using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Threading;

namespace RingIpc.Peer;

/// <summary>
/// Hammers RingIpc's 64-bit atomics on a value that crosses 2^32, where the two 32-bit halves of a torn
/// access differ: a writer thread flips it between just below and just above 2^32 while this thread reads it,
/// once through <c>Atomics.LoadAcquire</c> (must never tear) and once with plain reads (the control: in a 32-bit
/// process they must tear, or the test could not tell). Then two threads increment it across 2^32 with
/// compare-and-swap; no increment may be lost.
/// </summary>
internal static unsafe class AtomicsPeer
{
    private const long Below = 0x0000_0000_FFFF_FFF8;
    private const long Above = 0x0000_0001_0000_0008;

    public static int Hammer(int millisecondsPerPhase)
    {
        IntPtr memory = Marshal.AllocHGlobal(64);
        long* word = (long*)(((long)memory + 7) & ~7L);
        try
        {
            long atomicTears = Count(word, millisecondsPerPhase, plain: false, out long atomicReads);
            long plainTears = Count(word, millisecondsPerPhase, plain: true, out long plainReads);
            bool casExact = IncrementAcross(word);
            Console.WriteLine($"bitness={IntPtr.Size * 8} atomic-reads={atomicReads} atomic-tears={atomicTears} plain-reads={plainReads} plain-tears={plainTears} cas-exact={casExact}");
            return 0;
        }
        finally
        {
            Marshal.FreeHGlobal(memory);
        }
    }

    private static long Count(long* word, int milliseconds, bool plain, out long reads)
    {
        Atomics.StoreRelease(word, Below);
        bool stop = false;
        var writer = new Thread(() =>
        {
            while (!Volatile.Read(ref stop))
            {
                Atomics.StoreRelease(word, Above);
                Atomics.StoreRelease(word, Below);
            }
        });
        writer.Start();
        long tears = 0;
        reads = 0;
        var clock = Stopwatch.StartNew();
        while (clock.ElapsedMilliseconds < milliseconds)
        {
            for (int i = 0; i < 10_000; i++)
            {
                long value = plain ? *word : Atomics.LoadAcquire(word);
                if (value != Below && value != Above)
                {
                    tears++;
                }
            }

            reads += 10_000;
        }

        Volatile.Write(ref stop, true);
        writer.Join();
        return tears;
    }

    private static bool IncrementAcross(long* word)
    {
        const int PerThread = 2_000_000;
        const long Start = (1L << 32) - PerThread;
        Atomics.StoreRelease(word, Start);
        ThreadStart increment = () =>
        {
            for (int i = 0; i < PerThread; i++)
            {
                long seen;
                do
                {
                    seen = Atomics.LoadAcquire(word);
                }
                while (!Atomics.CompareAndSwap(word, seen, seen + 1));
            }
        };
        var other = new Thread(increment);
        other.Start();
        increment();
        other.Join();
        return Atomics.LoadAcquire(word) == Start + (2L * PerThread);
    }
}
