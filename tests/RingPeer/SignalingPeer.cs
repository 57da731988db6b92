using System;
using System.Diagnostics;
using System.Threading;

namespace RingIpc.Peer;

/// <summary>Peers for the signaling tests: idle cost, the consumer role, the create race.</summary>
internal static class SignalingPeer
{
    /// <summary>Blocks on an empty ring and prints the CPU time the whole process used meanwhile.</summary>
    public static int MeasureIdleCpu(string name, int waitMs)
    {
        using SharedRing ring = SharedRing.Open(name);
        using RingConsumer reader = ring.CreateConsumer();
        reader.WaitForData(TimeSpan.FromMilliseconds(50)); // JIT the wait path first
        Process self = Process.GetCurrentProcess();
        self.Refresh();
        TimeSpan cpuBefore = self.TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        bool data = reader.WaitForData(TimeSpan.FromMilliseconds(waitMs));
        long waitedMs = clock.ElapsedMilliseconds;
        self.Refresh();
        double cpuMs = (self.TotalProcessorTime - cpuBefore).TotalMilliseconds;
        Console.WriteLine($"data={data} waited-ms={waitedMs} cpu-ms={cpuMs:F0}");
        return 0;
    }

    /// <summary>Waits (spin budget 0, so it soon sleeps) for one message on an empty ring, reads it and says so.</summary>
    public static int WaitForOne(string name, int timeoutSeconds)
    {
        using SharedRing ring = SharedRing.Open(name);
        using RingConsumer reader = ring.CreateConsumer(WaitStrategy.SpinThenBlock(spinCount: 0));
        Console.WriteLine("attached");
        if (!reader.WaitForData(TimeSpan.FromSeconds(timeoutSeconds)) || reader.Read(static (_, _) => { }, 1) != 1)
        {
            return Program.Fail("no message came");
        }

        Console.WriteLine("woken");
        return 0;
    }

    /// <summary>Writes one message into a full ring, waiting (spin budget 0, so it soon sleeps) for room.</summary>
    public static int WriteOne(string name, int timeoutSeconds)
    {
        using SharedRing ring = SharedRing.Open(name);
        using RingProducer writer = ring.CreateProducer(WaitStrategy.SpinThenBlock(spinCount: 0));
        Console.WriteLine("attached");
        writer.Write(new byte[8], 5, TimeSpan.FromSeconds(timeoutSeconds));
        Console.WriteLine("written");
        return 0;
    }

    /// <summary>Claims space for a message and never commits it: the test kills this process mid-claim.</summary>
    public static int ClaimAndHold(string name, int maxSeconds)
    {
        using SharedRing ring = SharedRing.Open(name);
        using RingProducer writer = ring.CreateProducer();
        if (!writer.TryClaim(16, out RingClaim claim, messageType: 9))
        {
            return Program.Fail("no room to claim");
        }

        claim.Span.Fill(0xEE);
        Console.WriteLine("claimed");
        Thread.Sleep(TimeSpan.FromSeconds(maxSeconds));
        claim.Commit();
        return 0;
    }

    /// <summary>Takes the consumer role and keeps it until killed (or <paramref name="maxSeconds"/> pass).</summary>
    public static int HoldConsumer(string name, int maxSeconds)
    {
        using SharedRing ring = SharedRing.Open(name);
        using RingConsumer reader = ring.CreateConsumer();
        Console.WriteLine("holding");
        Thread.Sleep(TimeSpan.FromSeconds(maxSeconds));
        return 0;
    }

    /// <summary>Waits for the agreed instant, opens or creates the ring, says whether it created it, writes its pid.</summary>
    public static int OpenOrCreate(string name, long startAtUnixMs)
    {
        long delay = startAtUnixMs - DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        if (delay > 0)
        {
            Thread.Sleep((int)delay);
        }

        using SharedRing ring = SharedRing.OpenOrCreate(name, new RingOptions { Kind = RingKind.Mpsc, Capacity = 64 * 1024 });
        using RingProducer writer = ring.CreateProducer();
        int pid = Process.GetCurrentProcess().Id;
        writer.Write(BitConverter.GetBytes(pid), TimeSpan.FromSeconds(10));
        Console.WriteLine($"created={ring.Created} pid={pid}");
        return 0;
    }
}
