using System;
using System.Diagnostics;
using System.Linq;
using System.Threading;

namespace RingIpc.Peer;

/// <summary>
/// The soak test's peers (tests/Ring.Tests/Crash/SoakTests.cs): producers writing bursts and pauses for a while, and a
/// consumer that reads until they are gone. Each prints what it did by its own count and by its counters in the
/// ring's header (which must agree), and its working set after a second of warm-up and at the end.
/// <code>
/// messages=N bytes=N wakes=N sleeps=N          by the peer's own count
/// counters messages=N bytes=N wakes=N sleeps=N by the header's counters of its endpoint
/// working-set start=N end=N gen0=N             bytes; gen0 = gen-0 collections after the warm-up
/// </code>
/// </summary>
internal static class SoakPeer
{
    private static readonly TimeSpan WarmUp = TimeSpan.FromSeconds(1);

    public static int Produce(string name, int producer, int seconds)
    {
        using SharedRing ring = SharedRing.Open(name);
        using RingProducer writer = ring.CreateProducer(Strict.Strategy("default"));
        using var workingSet = new WorkingSetProbe();
        string? error = BlockingPeer.WriteBursts(writer, producer, long.MaxValue, TimeSpan.FromSeconds(seconds), TimeSpan.FromSeconds(30), out long written, out long bytes);
        if (error is not null)
        {
            return Program.Fail(error);
        }

        Report(ring, -1, written, bytes, writer.WakeCalls, writer.Waits, workingSet);
        Console.WriteLine($"produced {written}");
        return 0;
    }

    /// <summary>Reads for at least <paramref name="seconds"/>, then until the ring is empty and no producer is
    /// alive; <paramref name="producers"/> producers with ids 0 .. n − 1. Five seconds without data while a producer
    /// lives fail the run (a lost wake-up or a stall).</summary>
    public static int Consume(string name, int producers, int seconds)
    {
        using SharedRing ring = SharedRing.Open(name);
        using RingConsumer reader = ring.CreateConsumer(Strict.Strategy("default"));
        Console.WriteLine("attached");
        var verifier = new Verifier(producers, long.MaxValue);
        long bytes = 0;
        void Handle(int type, ReadOnlySpan<byte> payload)
        {
            verifier.Accept(type, payload);
            bytes += payload.Length;
        }

        RingMessageHandler handler = Handle;
        var clock = Stopwatch.StartNew();
        var silent = Stopwatch.StartNew();
        using var workingSet = new WorkingSetProbe();
        while (verifier.Error is null)
        {
            if (reader.Read(handler, 256, TimeSpan.FromMilliseconds(250)) != 0)
            {
                silent.Restart();
                continue;
            }

            bool producing = ring.GetStatus().Producers.Any(endpoint => endpoint.IsAlive);
            if (!producing && clock.Elapsed.TotalSeconds >= seconds)
            {
                break;
            }

            if (producing && silent.Elapsed > TimeSpan.FromSeconds(5))
            {
                return Program.Fail($"consumer: no data for {silent.Elapsed} while a producer lives, after {verifier.Received} messages");
            }

            if (clock.Elapsed.TotalSeconds > seconds + 120)
            {
                return Program.Fail("consumer: the producers did not finish");
            }
        }

        if (verifier.Error is not null)
        {
            return Program.Fail(verifier.Error);
        }

        Report(ring, -2, verifier.Received, bytes, reader.WakeCalls, reader.Waits, workingSet);
        for (int producer = 0; producer < producers; producer++)
        {
            Console.WriteLine($"received {producer} {verifier.NextOf(producer)}");
        }

        return 0;
    }

    /// <summary>Prints the peer's own counts and its endpoint's counters (the consumer's, or this process's producer's).</summary>
    private static void Report(SharedRing ring, int role, long messages, long bytes, long wakeCalls, WaitCounters waits, WorkingSetProbe workingSet)
    {
        RingStatus status = ring.GetStatus();
        RingEndpointStatus own = role == -2
            ? status.Consumer!
            : status.Producers.Single(endpoint => endpoint.ProcessId == Process.GetCurrentProcess().Id);
        RingEndpointCounters counters = own.Counters;
        Console.WriteLine($"messages={messages} bytes={bytes} wakes={wakeCalls} sleeps={waits.Sleeps}");
        Console.WriteLine($"counters messages={counters.Messages} bytes={counters.Bytes} wakes={counters.WakeCalls} sleeps={counters.Sleeps}");
        Console.WriteLine(workingSet.Describe());
    }

    /// <summary>The process's working set a second after it was made (a timer takes it, so the loop stays unbroken)
    /// and when <see cref="Describe"/> is called, with the gen-0 collections in between.</summary>
    private sealed class WorkingSetProbe : IDisposable
    {
        private readonly Timer _timer;
        private long _start = -1;
        private int _gen0AtStart;

        public WorkingSetProbe()
        {
            _timer = new Timer(_ =>
            {
                _gen0AtStart = GC.CollectionCount(0);
                Volatile.Write(ref _start, Environment.WorkingSet);
            }, null, WarmUp, Timeout.InfiniteTimeSpan);
        }

        public string Describe()
        {
            long end = Environment.WorkingSet;
            long start = Volatile.Read(ref _start);
            return $"working-set start={(start < 0 ? end : start)} end={end} gen0={GC.CollectionCount(0) - _gen0AtStart}";
        }

        public void Dispose() => _timer.Dispose();
    }
}
