using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Threading;
using RingIpc.Peer;
using Xunit;
using Xunit.Abstractions;

namespace RingIpc.Tests.Crash;

/// <summary>
/// Producer processes killed at random moments of an MPSC ring (in claims, commits, wraps and sleeps) while a live
/// producer and the consumer go on. Victims overlap: the next starts before the last dies, so two are alive at each
/// kill. Each victim keeps a black box (<see cref="ProgressLog"/>) that says where its last message was when it died, so
/// the test knows exactly which messages it committed and whether it left a claim behind. 200 victims in the long run
/// (<see cref="LongTests"/>), 40 in CI; the crash windows themselves are each hit on purpose by
/// <see cref="ProducerCrashWindowTests"/>.
/// </summary>
[Collection(nameof(ProcessHeavy))]
public class ProducerChaosTests
{
    private const int Live = 0;
    private static readonly TimeSpan Startup = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan Stall = TimeSpan.FromSeconds(10);
    private readonly ITestOutputHelper _output;

    public ProducerChaosTests(ITestOutputHelper output) => _output = output;

    [Fact]
    public void Producers_killed_at_random_moments_lose_nothing_committed_and_never_stall_the_ring()
    {
        int victims = LongTests.Count(full: 200, ci: 40);
        int seed = Environment.TickCount;
        var random = new Random(seed);
        using var name = new TempName("chaos-producers");
        string logPath = Path.Combine(Path.GetTempPath(), name + ".progress");
        using var ring = SharedRing.Create(name, new RingOptions { Kind = RingKind.Mpsc, Capacity = 16384 });
        try
        {
            using var log = ProgressLog.Create(logPath, victims + 1);
            using var reader = new VerifyingReader(ring, producers: victims + 1);
            using var live = new LiveWriter(ring, Live, pauseEvery: 32);
            reader.ResetGap();

            // Victims 1 .. n; the next is attached before the current one is killed.
            PeerProcess current = StartVictim(name, 1, random, logPath);
            current.WaitForOutput("attached", Startup);
            for (int victim = 1; victim <= victims; victim++)
            {
                PeerProcess? next = victim < victims ? StartVictim(name, victim + 1, random, logPath) : null;
                next?.WaitForOutput("attached", Startup);
                Thread.Sleep(random.Next(0, 30));
                current.Kill();
                current.Dispose();
                current = next!;
            }

            long liveWritten = live.Stop();
            var deaths = Enumerable.Range(1, victims).Select(victim => (Victim: victim, At: log.Read(victim))).ToList();
            reader.WaitUntil(
                () => reader.Received(Live) == liveWritten && deaths.All(death => reader.Received(death.Victim) >= LeastDelivered(death.At)),
                Stall,
                () => $"live {reader.Received(Live)} of {liveWritten}; victims short: " +
                      string.Join(", ", deaths.Where(death => reader.Received(death.Victim) < LeastDelivered(death.At)).Select(death => $"{death.Victim} at {death.At}")));
            Thread.Sleep(100); // a message that should not come would come now
            TimeSpan longestGap = reader.LongestGap;
            reader.Stop();

            // Exactly what each victim committed arrived (the reader checked order and that nothing came twice).
            int certainClaims = 0, possibleLeftovers = 0;
            foreach ((int victim, (ProducerStep step, long sequence)) in deaths)
            {
                long received = reader.Received(victim);
                string where = $"victim {victim} died at {step} of message {sequence}, and {received} of its messages arrived";
                switch (step)
                {
                    case ProducerStep.NotStarted:
                        Assert.True(received == 0, where);
                        break;
                    case ProducerStep.Refused:
                        Assert.True(received == sequence, where);
                        break;
                    case ProducerStep.Committed:
                        Assert.True(received == sequence + 1, where);
                        break;
                    case ProducerStep.Claimed:
                        Assert.True(received == sequence, where); // the claim was never committed
                        certainClaims++;
                        break;
                    case ProducerStep.Committing:
                        Assert.True(received == sequence || received == sequence + 1, where);
                        certainClaims += received == sequence ? 1 : 0; // the commit did not happen: its claim was left
                        break;
                    default:
                        Assert.True(received == sequence || received == sequence + 1, where);
                        possibleLeftovers += received == sequence ? 1 : 0; // before reserving, or a reservation or claim left
                        break;
                }
            }

            // Every claim a victim left was revoked and counted; a victim killed inside its write left at most one
            // claim or unmarked reservation, which the consumer revoked or repaired.
            RingEndpointCounters counters = ring.GetStatus().Consumer!.Counters;
            string tally = $"seed {seed}: {victims} victims; died at " +
                           string.Join(", ", deaths.GroupBy(death => death.At.Step).OrderBy(group => group.Key).Select(group => $"{group.Key} {group.Count()}")) +
                           $"; {certainClaims} certain claims left, {possibleLeftovers} possible; consumer revoked {counters.AbandonedClaims}, repaired {counters.RepairedGaps}; " +
                           $"live producer {liveWritten} messages; longest gap between two messages {longestGap.TotalMilliseconds:F0} ms";
            _output.WriteLine(tally);
            Assert.True(counters.AbandonedClaims >= certainClaims, tally);
            Assert.True(counters.AbandonedClaims + counters.RepairedGaps <= certainClaims + possibleLeftovers, tally);

            // The consumer never stalled behind a dead victim (README: recovery within ~1 s; bounded generously here).
            Assert.True(longestGap < Stall, tally);
        }
        finally
        {
            File.Delete(logPath);
        }
    }

    /// <summary>The fewest messages a victim that died at <paramref name="at"/> must have delivered.</summary>
    private static long LeastDelivered((ProducerStep Step, long Sequence) at) =>
        at.Step == ProducerStep.Committed ? at.Sequence + 1 : at.Step == ProducerStep.NotStarted ? 0 : at.Sequence;

    /// <summary>A victim writes with <c>TryWrite</c>/<c>TryClaim</c>, one in four with the blocking <c>Write</c> that
    /// sleeps on a full ring.</summary>
    private static PeerProcess StartVictim(string name, int victim, Random random, string logPath) =>
        PeerProcess.Start("chaos-produce", name, victim.ToString(CultureInfo.InvariantCulture), "100000000",
            random.Next(4) == 0 ? "blocking" : "try", logPath, "120");
}
