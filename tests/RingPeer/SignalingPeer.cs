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

    /// <summary>Waits (spin budget 0, so it soon sleeps; no periodic re-check) for one message on an empty ring,
    /// reads it and says how the wait ended.</summary>
    public static int WaitForOne(string name, int timeoutSeconds)
    {
        using SharedRing ring = SharedRing.Open(name);
        using RingConsumer reader = ring.CreateConsumer(Strict.Strategy("block0"));
        Console.WriteLine("attached");
        Strict.PrintThreadId();
        bool data = reader.WaitForData(TimeSpan.FromSeconds(timeoutSeconds));
        Console.WriteLine(Strict.Describe(reader.Waits));
        if (!data || reader.Read(static (_, _) => { }, 1) != 1)
        {
            return Program.Fail("no message came");
        }

        Console.WriteLine("woken");
        return 0;
    }

    /// <summary>Writes one message into a full ring, waiting (spin budget 0, so it soon sleeps; no periodic
    /// re-check) for room, and says how the wait ended.</summary>
    public static int WriteOne(string name, int timeoutSeconds)
    {
        using SharedRing ring = SharedRing.Open(name);
        using RingProducer writer = ring.CreateProducer(Strict.Strategy("block0"));
        Console.WriteLine("attached");
        Strict.PrintThreadId();
        writer.Write(new byte[8], 5, TimeSpan.FromSeconds(timeoutSeconds));
        Console.WriteLine(Strict.Describe(writer.Waits));
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

    /// <summary>Begins a batch, writes five messages of type 9 into it, says "batched" and holds it uncommitted until
    /// killed (or <paramref name="maxSeconds"/> pass, then commits it).</summary>
    public static int BatchAndHold(string name, int maxSeconds)
    {
        using SharedRing ring = SharedRing.Open(name);
        using RingProducer writer = ring.CreateProducer();
        if (!writer.TryBeginBatch(1024, out RingBatch batch))
        {
            return Program.Fail("no room for a batch");
        }

        byte[] payload = [0xEE, 0xEE, 0xEE, 0xEE, 0xEE, 0xEE, 0xEE, 0xEE];
        for (int i = 0; i < 5; i++)
        {
            if (!batch.TryWrite(payload, messageType: 9))
            {
                return Program.Fail("no room in the batch");
            }
        }

        Console.WriteLine("batched");
        Thread.Sleep(TimeSpan.FromSeconds(maxSeconds));
        batch.Commit();
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

    /// <summary>Says "ready", waits for the start barrier (the file <paramref name="barrier"/> appears), opens or
    /// creates the ring, says whether it created it and when (monotonic clock, shared by every process) the call
    /// began and ended, and writes its pid into the ring.</summary>
    public static int OpenOrCreate(string name, string barrier)
    {
        Console.WriteLine("ready");
        var clock = Stopwatch.StartNew();
        while (!System.IO.File.Exists(barrier))
        {
            if (clock.Elapsed > TimeSpan.FromMinutes(2))
            {
                return Program.Fail("the start barrier never opened");
            }

            Thread.Sleep(1);
        }

        long began = Stopwatch.GetTimestamp();
        using SharedRing ring = SharedRing.OpenOrCreate(name, new RingOptions { Kind = RingKind.Mpsc, Capacity = 64 * 1024 });
        long ended = Stopwatch.GetTimestamp();
        using RingProducer writer = ring.CreateProducer();
        int pid = Process.GetCurrentProcess().Id;
        writer.Write(BitConverter.GetBytes(pid), TimeSpan.FromSeconds(10));
        Console.WriteLine($"created={ring.Created} pid={pid} began={began} ended={ended}");
        return 0;
    }

    /// <summary>Creates a ring of <paramref name="capacity"/> bytes and says what happened (the test runs this
    /// peer where /dev/shm is a tiny tmpfs, to see a full /dev/shm refused at creation).</summary>
    public static int Create(string name, int capacity)
    {
        try
        {
            using SharedRing ring = SharedRing.Create(name, new RingOptions { Capacity = capacity });
            using RingProducer writer = ring.CreateProducer();
            using RingConsumer reader = ring.CreateConsumer();
            byte[] message = new byte[ring.MaxMessageLength];
            for (long written = 0; written < 2L * capacity; written += message.Length)
            {
                // Touches every page of the data area twice: a sparse file on a full /dev/shm would die of SIGBUS here.
                writer.Write(message, TimeSpan.FromSeconds(1));
                reader.Read(static (_, _) => { });
            }

            Console.WriteLine("created");
        }
        catch (Exception exception)
        {
            Console.WriteLine($"refused {exception.GetType().Name}: {exception.Message}");
        }

        return 0;
    }
}
