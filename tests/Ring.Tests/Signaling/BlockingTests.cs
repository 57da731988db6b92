using System;
using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;
using Xunit;

namespace RingIpc.Tests.Signaling;

/// <summary>Blocking writes and reads within one process: timeouts, cancellation, wake-ups, strategies.</summary>
[Collection(nameof(ProcessHeavy))]
public class BlockingTests
{
    /// <summary>This shared 2-core machine pauses for tens of milliseconds at times; the typical overshoot is
    /// measured by the benchmark, not here.</summary>
    private static readonly TimeSpan Slack = TimeSpan.FromMilliseconds(250);

    public static TheoryData<string> Strategies => new() { "block", "yield", "spin" };

    [Theory]
    [MemberData(nameof(Strategies))]
    public void WaitForData_on_an_empty_ring_returns_false_at_its_deadline(string strategy)
    {
        using var name = new TempName("wait-timeout");
        using var ring = SharedRing.Create(name);
        using var consumer = ring.CreateConsumer(Strategy(strategy));
        var timeout = TimeSpan.FromMilliseconds(300);
        var clock = Stopwatch.StartNew();
        Assert.False(consumer.WaitForData(timeout));
        AssertReturnedAtDeadline(clock.Elapsed, timeout);
        AssertReachedItsLastPhase(strategy, consumer.Waits);
        Assert.Equal(0, consumer.Read((_, _) => Assert.Fail("no message"), 10, TimeSpan.FromMilliseconds(50)));
    }

    [Fact]
    public void A_zero_timeout_only_checks()
    {
        using var test = new TestRing("wait-zero");
        var (name, ring, producer, consumer) = test;
        Assert.Same(WaitStrategy.Default, consumer.WaitStrategy);
        Assert.Same(WaitStrategy.Default, producer.WaitStrategy);
        Assert.False(consumer.WaitForData(TimeSpan.Zero));
        producer.TryWrite(new byte[] { 1 });
        Assert.True(consumer.WaitForData(TimeSpan.Zero));
        Assert.Throws<ArgumentOutOfRangeException>(() => consumer.WaitForData(TimeSpan.FromMilliseconds(-2)));
    }

    [Theory]
    [MemberData(nameof(Strategies))]
    public void Write_to_a_full_ring_times_out_at_its_deadline_and_writes_nothing(string strategy)
    {
        using var name = new TempName("write-timeout");
        using var ring = SharedRing.Create(name, new RingOptions { Capacity = 4096 });
        using var producer = ring.CreateProducer(Strategy(strategy));
        using var consumer = ring.CreateConsumer();
        FillUp(producer);
        long rejected = ring.GetStatus().Producers[0].Counters.FullRejections;
        var timeout = TimeSpan.FromMilliseconds(300);
        var clock = Stopwatch.StartNew();
        var error = Assert.Throws<TimeoutException>(() => producer.Write(new byte[120], timeout));
        AssertReturnedAtDeadline(clock.Elapsed, timeout);
        AssertReachedItsLastPhase(strategy, producer.Waits);
        Assert.Contains(name.Name, error.Message);
        Assert.Equal(rejected + 1, ring.GetStatus().Producers[0].Counters.FullRejections); // one per write that waited, not per poll
        Assert.Equal(32, consumer.Read((_, _) => { }));
    }

    [Theory]
    [InlineData(30_000)]
    [InlineData(-1)] // Timeout.InfiniteTimeSpan
    public async Task A_consumer_asleep_in_the_kernel_is_woken_by_a_write(int timeoutMs)
    {
        using var name = new TempName("wake");
        using var ring = SharedRing.Create(name);
        using var producer = ring.CreateProducer();
        using var consumer = ring.CreateConsumer(Strict(WaitStrategy.SpinThenBlock(spinCount: 0)));
        var waiting = BlockingCall.Start(() => consumer.WaitForData(TimeSpan.FromMilliseconds(timeoutMs))).WaitUntilAsleep().Task;
        producer.Write(new byte[] { 7 }, TimeSpan.FromSeconds(5));
        Assert.True(await waiting.WaitAsync(TimeSpan.FromSeconds(60)), "the consumer was not woken");

        // Its one sleep ended by the wake-up: not by a time limit (there is none short of the deadline), not by polling.
        Assert.Equal((1L, 0L, 0L, 0L), (consumer.Waits.Woken, consumer.Waits.TimedOut, consumer.Waits.Polled, consumer.Waits.Changed));
        Assert.Equal(1, producer.WakeCalls);
    }

    [Theory]
    [InlineData(30_000)]
    [InlineData(-1)] // Timeout.InfiniteTimeSpan
    public async Task A_producer_asleep_in_the_kernel_is_woken_when_the_consumer_frees_space(int timeoutMs)
    {
        using var name = new TempName("space");
        using var ring = SharedRing.Create(name, new RingOptions { Capacity = 4096 });
        using var producer = ring.CreateProducer(Strict(WaitStrategy.SpinThenBlock(spinCount: 0)));
        using var consumer = ring.CreateConsumer();
        FillUp(producer);
        var writing = BlockingCall.Start(() => producer.Write(new byte[120], 99, TimeSpan.FromMilliseconds(timeoutMs))).WaitUntilAsleep().Task;
        Assert.False(writing.IsCompleted);
        Assert.Equal(1, consumer.Read((_, _) => { }, maxMessages: 1));
        await writing.WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal((1L, 0L, 0L, 0L), (producer.Waits.Woken, producer.Waits.TimedOut, producer.Waits.Polled, producer.Waits.Changed));
        Assert.Equal(1, consumer.WakeCalls);
        int lastType = -1;
        consumer.Read((type, _) => lastType = type);
        Assert.Equal(99, lastType);
    }

    [Fact]
    public async Task A_cancelled_read_throws_and_leaves_the_ring_usable()
    {
        using var name = new TempName("cancel-read");
        using var ring = SharedRing.Create(name);
        using var producer = ring.CreateProducer();
        using var consumer = ring.CreateConsumer(Strict(WaitStrategy.SpinThenBlock(spinCount: 0)));
        using var cancellation = new CancellationTokenSource();
        var waiting = BlockingCall.Start(() => consumer.WaitForData(TimeSpan.FromSeconds(60), cancellation.Token)).WaitUntilAsleep().Task;
        var clock = Stopwatch.StartNew();
        cancellation.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting.WaitAsync(TimeSpan.FromSeconds(60)));
        AssertPrompt(clock.Elapsed, TimeSpan.Zero);

        producer.Write(new byte[] { 5 }, TimeSpan.FromSeconds(5));
        Assert.True(consumer.WaitForData(TimeSpan.FromSeconds(5)));
        Assert.Equal(1, consumer.Read((_, payload) => Assert.Equal(5, payload[0]), 10, TimeSpan.FromSeconds(5)));
        Assert.ThrowsAny<OperationCanceledException>(() => consumer.WaitForData(TimeSpan.FromSeconds(5), new CancellationToken(true)));
    }

    [Fact]
    public async Task A_cancelled_write_throws_writes_nothing_and_leaves_the_ring_usable()
    {
        using var name = new TempName("cancel-write");
        using var ring = SharedRing.Create(name, new RingOptions { Capacity = 4096 });
        using var producer = ring.CreateProducer(Strict(WaitStrategy.SpinThenBlock(spinCount: 0)));
        using var consumer = ring.CreateConsumer();
        FillUp(producer);
        using var cancellation = new CancellationTokenSource();
        var writing = BlockingCall.Start(() => producer.Write(new byte[120], 1, TimeSpan.FromSeconds(60), cancellation.Token)).WaitUntilAsleep().Task;
        var clock = Stopwatch.StartNew();
        cancellation.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => writing.WaitAsync(TimeSpan.FromSeconds(60)));
        AssertPrompt(clock.Elapsed, TimeSpan.Zero);
        Assert.Equal(32, consumer.Read((type, _) => Assert.Equal(0, type)));
        producer.Write(new byte[120], 2, TimeSpan.FromSeconds(5));
        Assert.Equal(1, consumer.Read((type, _) => Assert.Equal(2, type)));
    }

    [Theory]
    [MemberData(nameof(Strategies))]
    public async Task Every_strategy_moves_messages_between_threads(string strategy)
    {
        const int Count = 20_000;
        using var name = new TempName("strategy");
        using var ring = SharedRing.Create(name, new RingOptions { Capacity = 4096 });
        using var producer = ring.CreateProducer(Strategy(strategy));
        using var consumer = ring.CreateConsumer(Strategy(strategy));
        var writer = Task.Run(() =>
        {
            for (int i = 0; i < Count; i++)
            {
                producer.Write(BitConverter.GetBytes(i), TimeSpan.FromSeconds(30));
            }
        });
        int expected = 0;
        while (expected < Count)
        {
            int read = consumer.Read((_, payload) => Assert.Equal(expected++, BitConverter.ToInt32(payload)), 64, TimeSpan.FromSeconds(30));
            Assert.True(read > 0, $"no data within 30 s after {expected} messages");
        }

        await writer.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(Strategy(strategy).Kind, consumer.WaitStrategy.Kind);
        Assert.Equal(Strategy(strategy).Kind, producer.WaitStrategy.Kind);
    }

    [Fact]
    public void Strategies_describe_themselves_and_reject_a_negative_budget()
    {
        Assert.Equal(WaitStrategyKind.SpinThenBlock, WaitStrategy.Default.Kind);
        Assert.Equal(WaitStrategy.DefaultSpinCount, WaitStrategy.Default.SpinCount);
        Assert.Equal("SpinThenYield(5)", WaitStrategy.SpinThenYield(5).ToString());
        Assert.Equal("BusySpin", WaitStrategy.BusySpin.ToString());
        Assert.Throws<ArgumentOutOfRangeException>(() => WaitStrategy.SpinThenBlock(-1));
    }

    /// <summary>The strategy with the sleep cap lifted: only a wake-up or the deadline ends a sleep, so a lost
    /// wake-up fails the test instead of hiding behind the periodic re-check.</summary>
    internal static WaitStrategy Strict(WaitStrategy strategy) => RingIpc.Peer.Strict.Of(strategy);

    /// <summary>The wait went all the way to the strategy's last phase: it slept, it yielded, or it spun.</summary>
    internal static void AssertReachedItsLastPhase(string strategy, WaitCounters waits)
    {
        switch (strategy)
        {
            case "block":
                Assert.True(waits.Sleeps > 0, $"the wait never slept: {waits}");
                Assert.Equal(0, waits.Polled);
                break;
            case "yield":
                Assert.True(waits.Yields > 8, $"the wait never reached its yielding phase: {waits}");
                Assert.Equal(0, waits.Sleeps);
                break;
            default:
                Assert.True(waits.Spins > 0, $"the wait never spun: {waits}");
                Assert.Equal((0L, 0L), (waits.Yields, waits.Sleeps));
                break;
        }
    }

    internal static WaitStrategy Strategy(string name) => name switch
    {
        "spin" => WaitStrategy.BusySpin,
        "yield" => WaitStrategy.SpinThenYield(100),
        _ => WaitStrategy.SpinThenBlock(100),
    };

    /// <summary>Fills a 4 KiB ring with 32 records of 128 bytes.</summary>
    internal static void FillUp(RingProducer producer)
    {
        for (int i = 0; i < 32; i++)
        {
            Assert.True(producer.TryWrite(new byte[120]));
        }

        Assert.False(producer.TryWrite(new byte[120]));
    }

    internal static void AssertReturnedAtDeadline(TimeSpan elapsed, TimeSpan deadline)
    {
        Assert.True(elapsed >= deadline - TimeSpan.FromMilliseconds(1), $"returned after {elapsed.TotalMilliseconds} ms, before the {deadline.TotalMilliseconds} ms deadline");
        AssertPrompt(elapsed, deadline);
    }

    /// <summary>A cancellation (whose timer may fire a little early) ended the wait no later than <see cref="Slack"/> after it.</summary>
    internal static void AssertPrompt(TimeSpan elapsed, TimeSpan deadline)
    {
        Assert.True(elapsed <= deadline + Slack, $"returned after {elapsed.TotalMilliseconds} ms, more than {Slack.TotalMilliseconds} ms past the {deadline.TotalMilliseconds} ms deadline");
    }

}
