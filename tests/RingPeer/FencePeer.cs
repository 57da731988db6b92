using System;
using System.Buffers.Binary;
using System.Diagnostics;
using System.Threading;

namespace RingIpc.Peer;

/// <summary>
/// The fence-mode stress peers: many sleep/wake cycles, each commit timed to land while the consumer goes to sleep.
/// The consumer's sleep cap is lifted (<see cref="Strict"/>), so a lost wake-up leaves it asleep and fails the run.
/// </summary>
internal static class FencePeer
{
    /// <summary>Writes messages 0 .. <paramref name="count"/> − 1 (8-byte sequence numbers), each one once the consumer
    /// has consumed the one before, timed to land just as the consumer announces its sleep: every 8th message waits
    /// for the announcement and learns how long after the head moved it comes; the others are committed that long
    /// after the head moved, give or take half of it, without looking at the flag — the race a fence exists for (the
    /// commit's store still in the store buffer while the flag is loaded, the consumer's store of the flag likewise).</summary>
    public static int Produce(string name, int count, int timeoutSeconds)
    {
        using SharedRing ring = SharedRing.Open(name);
        using RingProducer writer = ring.CreateProducer(Strict.Strategy("block0"));
        Console.WriteLine("attached");
        SharedInt32 consumerWaiting = ring.Header.ConsumerWaiting;
        SharedInt64 head = ring.Header.ConsumedPosition; // the read position: the release of the space may lag
        SharedInt64 tail = ring.Header.Tail;
        var random = new Random(4711);
        var clock = Stopwatch.StartNew();
        byte[] message = new byte[8];
        bool fenceModeSeen = false;
        long announceAfter = Stopwatch.Frequency / 100_000; // ticks from the head's move to the announcement (learned)
        for (long sequence = 0; sequence < count; sequence++)
        {
            long deadline = clock.ElapsedMilliseconds + (timeoutSeconds * 1000L); // per message: a slow machine is no failure
            long spins = 0;
            while (head.LoadAcquire() != tail.LoadAcquire())
            {
                CpuPause.Once();
                if ((++spins & 0xFFF) == 0 && clock.ElapsedMilliseconds > deadline)
                {
                    return Program.Fail($"message {sequence - 1} was never consumed (a lost wake-up leaves the consumer asleep)");
                }
            }

            long moved = Stopwatch.GetTimestamp();
            if ((sequence & 7) == 0)
            {
                while (consumerWaiting.LoadAcquire() == 0 && clock.ElapsedMilliseconds <= deadline)
                {
                    CpuPause.Once();
                }

                announceAfter = ((announceAfter * 3) + (Stopwatch.GetTimestamp() - moved)) / 4;
            }
            else
            {
                long at = moved + announceAfter + (long)((random.NextDouble() - 0.5) * announceAfter);
                while (Stopwatch.GetTimestamp() < at)
                {
                    CpuPause.Once();
                }
            }

            fenceModeSeen |= ring.Signals.Fence.IsOn;
            BinaryPrimitives.WriteInt64LittleEndian(message, sequence);
            if (!writer.TryWrite(message))
            {
                return Program.Fail($"no room for message {sequence}: the consumer reads each one before the next is written");
            }
        }

        bool releaseCommits = FenceMode.ProducerTakesPart && fenceModeSeen;
        Console.WriteLine($"produced {count} wakes={writer.WakeCalls} announce-after-ns={announceAfter * 1_000_000_000 / Stopwatch.Frequency} bitness={IntPtr.Size * 8} release-commits={releaseCommits}");
        return 0;
    }

    /// <summary>Reads messages 0 .. <paramref name="count"/> − 1 with spin budget 0 (it announces a sleep at every empty
    /// poll); each wait may last <paramref name="timeoutSeconds"/>. <paramref name="barrier"/> "nobarrier" acts as a
    /// consumer that cannot issue membarrier (a seccomp filter): it clears fence mode and caps its sleeps.</summary>
    public static int Consume(string name, int count, int timeoutSeconds, string barrier)
    {
        using SharedRing ring = SharedRing.Open(name);
        using RingConsumer reader = ring.CreateConsumer(Strict.Strategy("block0"));
        if (barrier == "nobarrier")
        {
            ring.Signals.Fence.ConsumerAttached(canBarrier: false);
        }

        bool capped = ring.Signals.Fence.CapSleepMs(Timeout.Infinite) == FenceMode.UncertainSleepCapMs;
        Console.WriteLine($"attached barrier={ring.Signals.Fence.ConsumerBarriers} fence-mode={ring.Signals.Fence.IsOn} capped={capped}");
        long expected = 0;
        string? error = null;
        RingMessageHandler check = (_, payload) =>
        {
            long got = BinaryPrimitives.ReadInt64LittleEndian(payload);
            if (got != expected && error is null)
            {
                error = $"message {got} came where {expected} was due";
            }

            expected++;
        };
        while (expected < count)
        {
            if (!reader.WaitForData(TimeSpan.FromSeconds(timeoutSeconds)))
            {
                Console.WriteLine(Strict.Describe(reader.Waits));
                return Program.Fail($"no message {expected} within {timeoutSeconds} s: a lost wake-up");
            }

            reader.Read(check, 1);
            if (error is not null)
            {
                return Program.Fail(error);
            }
        }

        Console.WriteLine(Strict.Describe(reader.Waits));
        Console.WriteLine($"consumed {count} bitness={IntPtr.Size * 8}");
        return 0;
    }
}
