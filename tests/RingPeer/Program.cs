using System;
using System.Diagnostics;
using System.Globalization;

namespace RingIpc.Peer;

/// <summary>
/// A producer or consumer process for the cross-process tests. Exit code 0 means success and the
/// last line of output says what was verified; any failure prints a reason and exits non-zero.
/// <code>
/// produce          ring producer-id count timeout-s             spin/back off when full
/// consume          ring producers count-per-producer timeout-s  spin/back off when empty; verifies
/// produce-blocking ring producer-id count wait-timeout-s        bursts, random 0-2 ms pauses, blocking Write
/// consume-blocking ring producers count-per-producer wait-timeout-s block|yield|spin|slow   blocking Read; verifies
/// consume-async    ring producers count-per-producer wait-timeout-s block              ReadAsync; verifies
/// idle-cpu         ring wait-ms                                 prints the CPU time of a WaitForData on an empty ring
/// wait-one         ring timeout-s                               sleeps (no re-check) on an empty ring until one message comes
/// write-one        ring timeout-s                               sleeps (no re-check) on a full ring until it can write one message
/// claim-and-hold   ring max-seconds                             claims 16 bytes, prints "claimed", never commits in time
/// hold-consumer    ring max-seconds                             takes the consumer role, prints "holding", sleeps
/// open-or-create   ring barrier-file                            says "ready", OpenOrCreate once the file exists; writes its pid
/// create           ring capacity                                creates a ring and fills it twice; says "created" or "refused ..."
/// serve            ring seconds                                 creates an MPSC ring, says "serving", writes 1/ms, reads 9 of 10
/// hammer-atomics   ms-per-phase                                 64-bit atomics across 2^32, with a plain-read control
/// bitness                                                       prints IntPtr.Size
/// layouts                                                       prints sizes and byte images of sample layouts
/// fuzz             ring-prefix first-seed count                 mutates live SPSC/MPSC sections, prints "seed N" per case
/// crash-produce    ring producer-id count try|blocking timeout-s  prints "committed n" per message (CrashPeer)
/// chaos-produce    ring producer-id count try|blocking log-file timeout-s  records its steps in a ProgressLog (CrashPeer)
/// soak-produce     ring producer-id seconds                     bursts and pauses for a while; prints its counts and counters (SoakPeer)
/// soak-consume     ring producers min-seconds                   reads until the producers are gone; verifies; counts and counters
/// crash-consume    ring batch|try seconds                       prints "handed p n" per message, "released" (CrashPeer)
/// scanner-host     endpoint seconds                             serves the native scanner (libscanner.so on LD_LIBRARY_PATH); "serving"
/// scanner-client   endpoint library-pointer-size                runs the end-to-end call script against a host; "script passed"
/// scanner-holding-client endpoint                               starts a long call, prints "holding", waits to be killed
/// scanner-launcher endpoint library-folder                      launches a tied scanner-host (CallHost), prints "launched pid", waits to be killed
/// </code>
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        int exitCode = Run(args);
        if (Type.GetType("Mono.Runtime") is not null)
        {
            // Mono under qemu-i386 (where the kernel cannot execute i386 programs: eng/install-mono32.sh) aborts in its
            // own shutdown when a background thread sits in a futex wait ("Cannot exit GC safe region on a different
            // thread") and then hangs. The peer's work is done and reported: leave without the runtime's shutdown.
            Console.Out.Flush();
            Console.Error.Flush();
            ExitNow(exitCode);
        }

        return exitCode;
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "_exit")]
    private static extern void ExitNow(int status);

    private static int Run(string[] args)
    {
        try
        {
            string mode = args[0];
            return mode switch
            {
                "produce" => Produce(args[1], Int(args[2]), Long(args[3]), Int(args[4])),
                "consume" => Consume(args[1], Int(args[2]), Long(args[3]), Int(args[4])),
                "produce-blocking" => BlockingPeer.Produce(args[1], Int(args[2]), Long(args[3]), Int(args[4]), args.Length > 5 ? args[5] : "default"),
                "consume-blocking" => BlockingPeer.Consume(args[1], Int(args[2]), Long(args[3]), Int(args[4]), args[5], async: false),
                "consume-async" => BlockingPeer.Consume(args[1], Int(args[2]), Long(args[3]), Int(args[4]), args[5], async: true),
                "fence-produce" => FencePeer.Produce(args[1], Int(args[2]), Int(args[3])),
                "fence-consume" => FencePeer.Consume(args[1], Int(args[2]), Int(args[3]), args[4]),
                "idle-cpu" => SignalingPeer.MeasureIdleCpu(args[1], Int(args[2])),
                "wait-one" => SignalingPeer.WaitForOne(args[1], Int(args[2])),
                "write-one" => SignalingPeer.WriteOne(args[1], Int(args[2])),
                "claim-and-hold" => SignalingPeer.ClaimAndHold(args[1], Int(args[2])),
                "batch-and-hold" => SignalingPeer.BatchAndHold(args[1], Int(args[2])),
                "hold-consumer" => SignalingPeer.HoldConsumer(args[1], Int(args[2])),
                "open-or-create" => SignalingPeer.OpenOrCreate(args[1], args[2]),
                "create" => SignalingPeer.Create(args[1], Int(args[2])),
                "serve" => DemoPeer.Serve(args[1], Int(args[2])),
                "hammer-atomics" => AtomicsPeer.Hammer(Int(args[1])),
                "bitness" => PrintBitness(),
                "layouts" => LayoutSamples.Print(),
                "fuzz" => FuzzPeer.Run(args[1], Int(args[2]), Int(args[3])),
                "crash-produce" => CrashPeer.Produce(args[1], Int(args[2]), Long(args[3]), args[4], Int(args[5])),
                "chaos-produce" => CrashPeer.ChaosProduce(args[1], Int(args[2]), Long(args[3]), args[4], args[5], Int(args[6])),
                "soak-produce" => SoakPeer.Produce(args[1], Int(args[2]), Int(args[3])),
                "soak-consume" => SoakPeer.Consume(args[1], Int(args[2]), Int(args[3])),
                "crash-consume" => CrashPeer.Consume(args[1], args[2], Int(args[3])),
                "scanner-host" => Calls.CallPeer.Host(args[1], Int(args[2])),
                "scanner-client" => Calls.CallPeer.Client(args[1], Int(args[2])),
                "scanner-holding-client" => Calls.CallPeer.HoldingClient(args[1]),
                "scanner-launcher" => Calls.CallPeer.Launcher(args[1], args[2]),
                _ => Fail($"unknown mode '{mode}'"),
            };
        }
        catch (Exception exception)
        {
            return Fail(exception.ToString());
        }
    }

    internal static int Int(string text) => int.Parse(text, CultureInfo.InvariantCulture);

    internal static long Long(string text) => long.Parse(text, CultureInfo.InvariantCulture);

    private static int Produce(string name, int producer, long count, int timeoutSeconds)
    {
        using SharedRing ring = SharedRing.Open(name);
        using RingProducer writer = ring.CreateProducer();
        long written = ProducerLoop.Run(writer, producer, count, blocking: false, TimeSpan.FromSeconds(timeoutSeconds));
        if (written < count)
        {
            return Fail($"producer {producer}: timed out after {written} of {count} messages");
        }

        Console.WriteLine($"produced {count}");
        return 0;
    }

    private static int Consume(string name, int producers, long countPerProducer, int timeoutSeconds)
    {
        var clock = Stopwatch.StartNew();
        var backoff = new Backoff(clock, timeoutSeconds * 1000L);
        using SharedRing ring = SharedRing.Open(name);
        using RingConsumer reader = ring.CreateConsumer();
        var verifier = new Verifier(producers, countPerProducer);
        RingMessageHandler handler = verifier.Handler;
        long total = producers * countPerProducer;
        while (verifier.Received < total)
        {
            // Alternate batch reads and single zero-copy reads.
            int read = 0;
            if ((verifier.Received & 0x100) == 0)
            {
                read = reader.Read(handler, maxMessages: 64);
            }
            else if (reader.TryRead(out RingMessage message))
            {
                using (message)
                {
                    verifier.Accept(message.MessageType, message.Payload);
                }

                read = 1;
            }

            if (verifier.Error is not null)
            {
                return Fail(verifier.Error);
            }

            if (read > 0)
            {
                backoff.Reset();
            }
            else if (!backoff.Wait())
            {
                return Fail($"consumer: timed out after {verifier.Received} of {total} messages");
            }
        }

        // Nothing may follow the last expected message.
        if (reader.TryRead(out RingMessage extra))
        {
            extra.Dispose();
            return Fail("consumer: a message arrived after the last expected one");
        }

        Console.WriteLine($"verified {verifier.Received} messages from {producers} producers");
        return 0;
    }

    private static int PrintBitness()
    {
        Console.WriteLine($"IntPtr.Size={IntPtr.Size}");
        return 0;
    }

    internal static int Fail(string reason)
    {
        Console.Error.WriteLine("FAILED: " + reason);
        return 1;
    }
}
