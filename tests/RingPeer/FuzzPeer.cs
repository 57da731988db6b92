using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Threading;

namespace RingIpc.Peer;

/// <summary>
/// The fuzz loop of issue 9, run in a child process so that an access outside the mapping (the process dies) or a hang
/// (a watchdog here and one in the test) fails the test with the seed instead of killing the test host. Two live rings,
/// SPSC and MPSC, are snapshotted once; each case restores its ring's bytes into the same mapping, applies 1–4
/// <see cref="SectionMutation"/>s and runs reads, writes, claims, waits with tiny timeouts, status and fresh attaches.
/// Allowed outcomes: success or a documented exception. Even seeds use the SPSC ring, odd seeds the MPSC ring; the
/// child prints <c>seed N</c> before each case, so the last such line names the case that crashed.
/// </summary>
internal static class FuzzPeer
{
    private const int Capacity = 4096;
    private static readonly long HangTicks = 10 * Stopwatch.Frequency; // an operation has ~1 ms; 10 s is a hang

    /// <summary><c>fuzz ring-prefix first-seed count</c>: exit 0 and a summary of the outcomes, or the failing seed.</summary>
    public static int Run(string prefix, int firstSeed, int count)
    {
        var cases = new[] { new FuzzRing(prefix + "-spsc", RingKind.Spsc), new FuzzRing(prefix + "-mpsc", RingKind.Mpsc) };
        try
        {
            var outcomes = new Dictionary<string, int>();
            int current = firstSeed;
            string mutations = "";
            long lastProgress = Stopwatch.GetTimestamp();
            Exception? failure = null;
            var worker = new Thread(() =>
            {
                try
                {
                    for (int seed = firstSeed; seed < firstSeed + count; seed++)
                    {
                        Volatile.Write(ref current, seed);
                        Console.WriteLine("seed " + seed);
                        FuzzRing ring = cases[seed & 1];
                        var random = new Random(seed);
                        Volatile.Write(ref mutations, ring.Mutate(random));
                        string outcome = ring.Kind + " " + RunCase(ring.Ring, ring.Name, random);
                        outcomes[outcome] = outcomes.TryGetValue(outcome, out int seen) ? seen + 1 : 1;
                        Volatile.Write(ref lastProgress, Stopwatch.GetTimestamp());
                    }
                }
                catch (Exception exception)
                {
                    failure = exception;
                }
            }) { IsBackground = true, Name = "fuzz" };
            worker.Start();
            while (!worker.Join(100))
            {
                long stuck = Stopwatch.GetTimestamp() - Volatile.Read(ref lastProgress);
                if (stuck > HangTicks)
                {
                    return Program.Fail($"seed {Volatile.Read(ref current)} hangs ({stuck / Stopwatch.Frequency} s): {Volatile.Read(ref mutations)}");
                }
            }

            if (failure is not null)
            {
                return Program.Fail($"seed {current}, mutations {mutations}: undocumented {failure}");
            }

            foreach (KeyValuePair<string, int> pair in outcomes.OrderByDescending(pair => pair.Value))
            {
                Console.WriteLine($"outcome {pair.Value,7} {pair.Key}");
            }

            Console.WriteLine($"fuzzed {count} cases");
            return 0;
        }
        finally
        {
            foreach (FuzzRing ring in cases)
            {
                ring.Dispose();
            }
        }
    }

    /// <summary>A ring with history (see <see cref="BuildLiveState"/>) and a held claim, its raw mapping and its snapshot.</summary>
    private sealed class FuzzRing : IDisposable
    {
        private readonly SharedSection _raw;
        private readonly byte[] _snapshot;

        public FuzzRing(string name, RingKind kind)
        {
            Name = name;
            Kind = kind;
            Ring = SharedRing.Create(name, new RingOptions { Kind = kind, Capacity = Capacity });
            _raw = SharedSection.Open(name);
            BuildLiveState(Ring);

            // Snapshot with a producer registered and its claim held past the unread messages: every case then starts
            // with a registry slot and a claim whose owner (this process) is alive.
            using (RingProducer holder = Ring.CreateProducer())
            {
                if (!holder.TryClaim(24, out RingClaim claim, messageType: 5))
                {
                    throw new InvalidOperationException("the fuzz ring has no room for the held claim");
                }

                _snapshot = _raw.GetSpan(0, (int)_raw.Length).ToArray();
                claim.Abort();
            }
        }

        public string Name { get; }

        public RingKind Kind { get; }

        public SharedRing Ring { get; }

        /// <summary>Restores the snapshot into the mapping and applies 1–4 random mutations; returns them as text.</summary>
        public string Mutate(Random random)
        {
            Span<byte> mapped = _raw.GetSpan(0, (int)_raw.Length);
            _snapshot.CopyTo(mapped);
            List<SectionMutation> mutations = SectionMutation.RandomSet(random, _snapshot, Capacity);
            foreach (SectionMutation mutation in mutations)
            {
                mutation.Apply(mapped);
            }

            return string.Join("; ", mutations);
        }

        public void Dispose()
        {
            _raw.Dispose();
            Ring.Dispose();
            SharedRing.Delete(Name);
        }
    }

    /// <summary>A ring with history: records around the data area's end, some released, some unread, a producer slot taken.</summary>
    private static void BuildLiveState(SharedRing ring)
    {
        using var producer = ring.CreateProducer();
        using var consumer = ring.CreateConsumer();
        byte[] message = new byte[40];
        for (int i = 0; i < 150; i++)
        {
            message[0] = (byte)i;
            if (!producer.TryWrite(message.AsSpan(0, 1 + (i % 40)), messageType: i % 3) && consumer.Read(static (_, _) => { }, 64) == 0)
            {
                throw new InvalidOperationException("the fuzz ring is full and empty at once");
            }

            if (i % 3 == 0)
            {
                consumer.Read(static (_, _) => { }, 2);
            }
        }
    }

    /// <summary>Reads every byte of a payload: one outside the mapping would kill the process.</summary>
    private static int Touch(ReadOnlySpan<byte> payload)
    {
        int sum = 0;
        foreach (byte b in payload)
        {
            sum += b;
        }

        return sum;
    }

    /// <summary>Reads, writes, waits, status and a fresh attach on the mutated section; returns the outcome's name
    /// ("ok", or the type of a documented exception and the field it names). Anything else propagates.</summary>
    private static string RunCase(SharedRing ring, string name, Random random)
    {
        bool opened = false;
        try
        {
            _ = ring.GetStatus();
            using (SharedRing attached = SharedRing.Open(name))
            {
                opened = true;
                _ = attached.GetStatus();
            }

            // A sleeping wait (spin count 0) runs the head recovery before it sleeps: revocation and gap repair on
            // whatever the mutations made of the records at the head.
            using (RingConsumer consumer = ring.CreateConsumer(random.Next(2) == 0 ? WaitStrategy.BusySpin : WaitStrategy.SpinThenBlock(spinCount: 0)))
            {
                for (int i = 0; i < 4; i++)
                {
                    if (consumer.TryRead(out RingMessage message))
                    {
                        Touch(message.Payload);
                        message.Dispose();
                    }
                }

                consumer.Read(static (_, payload) => Touch(payload), 16);
                consumer.WaitForData(TimeSpan.FromMilliseconds(random.Next(3)));
                consumer.Read(static (_, payload) => Touch(payload), 4, TimeSpan.Zero);
            }

            using (RingProducer producer = ring.CreateProducer(WaitStrategy.BusySpin))
            {
                byte[] message = new byte[random.Next(ring.MaxMessageLength + 1)];
                producer.TryWrite(message.AsSpan(0, Math.Min(message.Length, 64)), messageType: 7);
                if (producer.TryClaim(random.Next(64), out RingClaim claim, messageType: 1))
                {
                    if (random.Next(2) == 0)
                    {
                        claim.Commit();
                    }
                    else
                    {
                        claim.Abort();
                    }
                }

                try
                {
                    producer.Write(message, messageType: 2, TimeSpan.FromMilliseconds(random.Next(2)));
                }
                catch (TimeoutException)
                {
                    // a full (or corrupt-looking full) ring: documented for Write
                }
            }

            return "ok";
        }
        catch (RingFormatException format)
        {
            return $"{nameof(RingFormatException)}: {format.Field}";
        }
        catch (RingRoleException)
        {
            return nameof(RingRoleException);
        }
        catch (System.IO.FileNotFoundException) when (!opened)
        {
            return "FileNotFoundException from Open (init state says: being reclaimed)";
        }
    }
}
