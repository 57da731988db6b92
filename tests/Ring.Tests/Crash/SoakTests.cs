using System;
using System.Globalization;
using System.Linq;
using System.Text.RegularExpressions;
using Xunit;
using Xunit.Abstractions;

namespace RingIpc.Tests.Crash;

/// <summary>
/// Two producer processes and a consumer process on an MPSC ring under the default wait strategy (sleeps uncapped, so
/// a lost wake-up stalls), with bursts of 1-2000 messages of 16-56 bytes and random pauses of 0-2 ms between them: 60 s
/// in the long run (<see cref="LongTests"/>), 8 s in CI. Nothing is lost, each endpoint's counters in the header agree
/// with what it counted itself and with the other side, and the working sets stay flat.
/// </summary>
[Collection(nameof(ProcessHeavy))]
public class SoakTests
{
    private const int Producers = 2;

    /// <summary>What a peer may grow by after its first second: no allocation per message means no growth per message.</summary>
    private const long WorkingSetGrowthBound = 32L << 20;

    private readonly ITestOutputHelper _output;

    public SoakTests(ITestOutputHelper output) => _output = output;

    [Fact]
    public void Producers_and_a_consumer_under_the_default_strategy_keep_counters_consistent_and_memory_flat()
    {
        int seconds = LongTests.Count(full: 60, ci: 8);
        string duration = seconds.ToString(CultureInfo.InvariantCulture);
        using var name = new TempName("soak");
        using var ring = SharedRing.Create(name, new RingOptions { Kind = RingKind.Mpsc, Capacity = 65536 });
        using var consumer = PeerProcess.Start("soak-consume", name, $"{Producers}", duration);
        consumer.WaitForOutput("attached", TimeSpan.FromSeconds(60));
        PeerProcess[] producers = Enumerable.Range(0, Producers).Select(id => PeerProcess.Start("soak-produce", name, $"{id}", duration)).ToArray();
        try
        {
            TimeSpan bound = TimeSpan.FromSeconds(seconds + 120);
            string[] produced = producers.Select(producer => producer.WaitForSuccess(bound)).ToArray();
            string consumed = consumer.WaitForSuccess(bound);

            long sentMessages = 0, sentBytes = 0;
            for (int id = 0; id < Producers; id++)
            {
                Report report = Report.Parse(produced[id], $"producer {id}");
                _output.WriteLine($"producer {id}: {report}");
                report.AssertConsistent();
                Assert.Equal(report.Messages, Value(consumed, $@"^received {id} (\d+)$", "consumer"));
                sentMessages += report.Messages;
                sentBytes += report.Bytes;
            }

            Report received = Report.Parse(consumed, "consumer");
            _output.WriteLine($"consumer: {received}");
            received.AssertConsistent();
            Assert.Equal((sentMessages, sentBytes), (received.Messages, received.Bytes));
            Assert.True(sentMessages > seconds * 1000L, $"only {sentMessages} messages in {seconds} s: the soak hardly ran");
        }
        finally
        {
            foreach (PeerProcess producer in producers)
            {
                producer.Dispose();
            }
        }
    }

    private static long Value(string output, string pattern, string who)
    {
        Match match = Regex.Match(output, pattern, RegexOptions.Multiline);
        Assert.True(match.Success, $"{who} printed no '{pattern}':\n{output}");
        return long.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
    }

    /// <summary>What a soak peer printed (tests/RingPeer/SoakPeer.cs).</summary>
    private sealed record Report(string Who, long Messages, long Bytes, long Wakes, long Sleeps, long CountedMessages, long CountedBytes,
        long CountedWakes, long CountedSleeps, long WorkingSetStart, long WorkingSetEnd, long Gen0)
    {
        public static Report Parse(string output, string who)
        {
            long Of(string pattern) => Value(output, pattern, who);
            return new Report(
                who,
                Of(@"^messages=(\d+) "),
                Of(@"^messages=\d+ bytes=(\d+)"),
                Of(@"^messages=.* wakes=(\d+)"),
                Of(@"^messages=.* sleeps=(\d+)"),
                Of(@"^counters messages=(\d+)"),
                Of(@"^counters .*bytes=(\d+)"),
                Of(@"^counters .*wakes=(\d+)"),
                Of(@"^counters .*sleeps=(\d+)"),
                Of(@"^working-set start=(\d+)"),
                Of(@"^working-set .*end=(\d+)"),
                Of(@"^working-set .*gen0=(\d+)"));
        }

        /// <summary>The header's counters are the endpoint's own count (its sleeps also count a sleep that found its
        /// condition met as it went to sleep, which the peer's wait counters leave out); the working set stays flat and
        /// the messages allocate nothing (one allocation per message would be hundreds of gen-0 collections).</summary>
        public void AssertConsistent()
        {
            Assert.True((Messages, Bytes, Wakes) == (CountedMessages, CountedBytes, CountedWakes), $"{Who}: the counters disagree with its own count: {this}");
            Assert.True(CountedSleeps >= Sleeps, $"{Who}: the header counts fewer sleeps: {this}");
            Assert.True(WorkingSetEnd - WorkingSetStart < WorkingSetGrowthBound, $"{Who}: the working set grew: {this}");
            Assert.True(Gen0 < 10, $"{Who}: the messages allocate: {this}");
        }

        public override string ToString() =>
            $"{Messages} messages, {Bytes} bytes, {Wakes} wake calls, {Sleeps} sleeps; header counters {CountedMessages}, {CountedBytes}, {CountedWakes}, {CountedSleeps}; " +
            $"working set {WorkingSetStart / 1024} KiB after 1 s, {WorkingSetEnd / 1024} KiB at the end; {Gen0} gen-0 collections after the first second";
    }
}
