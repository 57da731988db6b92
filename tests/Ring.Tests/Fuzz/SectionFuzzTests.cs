using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Threading;
using Xunit;
using Xunit.Abstractions;

namespace RingIpc.Tests.Fuzz;

/// <summary>
/// A live ring's section is a trust boundary: random mutations of its header, registry, counters and records (reset from
/// a snapshot before each case) followed by reads, writes, waits with tiny timeouts, status and a fresh attach must end in
/// success or a documented exception — never a crash, an access outside the mapping (the process would die), another
/// exception type, or a hang (a watchdog fails the test with the seed). CI runs 100,000 cases (50,000 per ring
/// kind); <c>RINGIPC_LONG_TESTS=1</c> runs a million. A failure names its seed: <see cref="RunCase"/> replays it alone.
/// </summary>
[Collection(nameof(ProcessHeavy))]
public class SectionFuzzTests
{
    private const int Capacity = 4096;
    private static readonly TimeSpan HangBound = TimeSpan.FromSeconds(10);
    private readonly ITestOutputHelper _output;

    public SectionFuzzTests(ITestOutputHelper output) => _output = output;

    private static bool Long => Environment.GetEnvironmentVariable("RINGIPC_LONG_TESTS") == "1";

    [Theory]
    [InlineData(RingKind.Mpsc, 1)]
    [InlineData(RingKind.Spsc, 1_000_001)]
    public void Random_mutations_of_a_live_section_end_in_success_or_a_documented_exception(RingKind kind, int firstSeed)
    {
        int cases = Long ? 500_000 : 50_000; // per kind: 100,000 in all in CI (about 10 s), a million with the flag
        using var name = new TempName("fuzz");
        using var ring = SharedRing.Create(name, new RingOptions { Kind = kind, Capacity = Capacity });
        using var raw = SharedSection.Open(name);
        Span<byte> section = raw.GetSpan(0, (int)raw.Length);
        BuildLiveState(ring);
        byte[] snapshot = section.ToArray();

        var outcomes = new Dictionary<string, int>();
        int current = firstSeed;
        string currentMutations = "";
        long lastProgress = Stopwatch.GetTimestamp();
        Exception? failure = null;
        var worker = new Thread(() =>
        {
            try
            {
                Span<byte> mapped = raw.GetSpan(0, (int)raw.Length);
                for (int seed = firstSeed; seed < firstSeed + cases; seed++)
                {
                    Volatile.Write(ref current, seed);
                    snapshot.CopyTo(mapped);
                    var random = new Random(seed);
                    List<SectionMutation> mutations = SectionMutation.RandomSet(random, snapshot, Capacity);
                    Volatile.Write(ref currentMutations, string.Join("; ", mutations));
                    foreach (SectionMutation mutation in mutations)
                    {
                        mutation.Apply(mapped);
                    }

                    string outcome = RunCase(ring, name, random);
                    outcomes[outcome] = outcomes.GetValueOrDefault(outcome) + 1;
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
            TimeSpan stuck = Stopwatch.GetElapsedTime(Volatile.Read(ref lastProgress));
            Assert.True(stuck < HangBound, $"seed {Volatile.Read(ref current)} hangs ({stuck.TotalSeconds:0} s): {Volatile.Read(ref currentMutations)}");
        }

        Assert.True(failure is null, $"seed {current}, mutations {currentMutations}: undocumented {failure}");
        foreach ((string outcome, int count) in outcomes.OrderByDescending(pair => pair.Value))
        {
            _output.WriteLine($"{count,7} {outcome}");
        }

        // The mutations must reach the validation, not only bounce off the header check at attach.
        Assert.True(outcomes.GetValueOrDefault("ok") > cases / 20, "almost no case ran to the end");
        Assert.True(outcomes.Keys.Count(key => key.StartsWith(nameof(RingFormatException), StringComparison.Ordinal)) > 3, "hardly any corruption was detected");
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
            Assert.True(producer.TryWrite(message.AsSpan(0, 1 + (i % 40)), messageType: i % 3) || consumer.Read(static (_, _) => { }, 64) > 0);
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
    internal static string RunCase(SharedRing ring, string name, Random random)
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
