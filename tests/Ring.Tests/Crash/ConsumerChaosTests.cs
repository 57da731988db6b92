using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Xunit;
using Xunit.Abstractions;

namespace RingIpc.Tests.Crash;

/// <summary>
/// Consumer processes killed at random moments (mid-batch, mid-zeroing, asleep) while a producer writes on: each next
/// consumer starts exactly at one end of the batch the dead one had in flight (README Guarantees: a batch whose handler
/// had not returned for all of it is delivered again, a released one — its zeroing perhaps begun — is not), so nothing
/// committed is lost and nothing is delivered twice beyond that boundary. 100 victims per ring kind in the long run (<see cref="LongTests"/>), 16 in CI;
/// the two windows themselves are hit on purpose by <see cref="ConsumerCrashWindowTests"/>.
/// </summary>
[Collection(nameof(ProcessHeavy))]
public class ConsumerChaosTests
{
    private const int Producer = 0;
    private static readonly TimeSpan Startup = TimeSpan.FromSeconds(60);
    private readonly ITestOutputHelper _output;

    public ConsumerChaosTests(ITestOutputHelper output) => _output = output;

    [Theory]
    [InlineData(RingKind.Spsc)]
    [InlineData(RingKind.Mpsc)]
    public void Consumers_killed_at_random_moments_lose_nothing_and_repeat_only_the_batch_in_flight(RingKind kind)
    {
        int victims = LongTests.Count(full: 100, ci: 16);
        int seed = Environment.TickCount;
        var random = new Random(seed);
        using var name = new TempName("chaos-consumer");
        using var ring = SharedRing.Create(name, new RingOptions { Kind = kind, Capacity = 4096 });
        using var writer = new LiveWriter(ring, Producer);

        // What the dead consumers were handed and released, as sequence numbers: [released, handedEnd) was in flight.
        long released = 0, handedEnd = 0, repeated = 0;
        for (int victim = 1; victim <= victims; victim++)
        {
            string how = random.Next(3) == 0 ? "try" : "batch";
            using var consumer = PeerProcess.Start("crash-consume", name, how, "120");
            consumer.WaitForOutput("attached", Startup);
            Thread.Sleep(random.Next(10, 150));
            consumer.Kill();
            (List<long> handed, int releasedCount) = PeerReports.ConsumerTrace(consumer.Output);
            string where = $"seed {seed}, victim {victim} ({how}): before it {released} were released and {handedEnd} handed out; it was handed " +
                           (handed.Count == 0 ? "nothing" : $"{handed[0]} .. {handed[^1]} ({handed.Count}) and released {releasedCount} of them");
            _output.WriteLine(where);
            if (handed.Count == 0)
            {
                continue;
            }

            AssertResumesAtBoundary(handed[0], released, handedEnd, where);
            Assert.True(handed.SequenceEqual(Enumerable.Range(0, handed.Count).Select(i => handed[0] + i)), where + ": not in order");
            repeated += handedEnd - handed[0];
            released = handed[0] + releasedCount;
            handedEnd = handed[0] + handed.Count;
        }

        // The last consumer (this process) gets the rest: everything the producer wrote, from the boundary on.
        long written = writer.Stop();
        using RingConsumer last = ring.CreateConsumer();
        List<long> rest = TestMessages.ReadAll(last, Producer, TimeSpan.FromMilliseconds(500));
        string end = $"seed {seed}: after {victims} victims {released} were released and {handedEnd} handed out; the producer wrote {written}";
        Assert.True(rest.Count != 0 || released == written, end + "; the last consumer got nothing");
        long first = rest.Count == 0 ? written : rest[0];
        AssertResumesAtBoundary(first, released, handedEnd, end);
        Assert.True(rest.SequenceEqual(Enumerable.Range(0, rest.Count).Select(i => first + i)), end + ": the rest is not in order");
        Assert.Equal(written, first + rest.Count);
        repeated += handedEnd - first;
        _output.WriteLine($"{end}; {repeated} deliveries repeated in all (batches in flight at a kill)");
    }

    /// <summary>A consumer resumes at the last release (the batch in flight comes again) or at the end of what was
    /// handed out (the batch was released, its zeroing perhaps begun): never in between, never before (released messages
    /// again), never after (committed messages skipped).</summary>
    private static void AssertResumesAtBoundary(long first, long released, long handedEnd, string where) =>
        Assert.True(first == released || first == handedEnd, $"{where}: the next consumer began at {first}");
}
