using System;
using Xunit;

namespace RingIpc.Tests.CrossProcess;

/// <summary>
/// Fence mode across real processes of both bitnesses (<see cref="FenceMode"/>): thousands of sleep/wake cycles in
/// which the producer commits just as the consumer announces its sleep, anywhere in the announce – barrier –
/// re-check – sleep window. The consumer's sleep cap is lifted, so a lost wake-up leaves it asleep until its wait's
/// timeout and fails the run.
/// </summary>
[Collection(nameof(ProcessHeavy))]
public class FenceModeStressTests
{
    private static readonly int Cycles = LongTests.Count(full: 200_000, ci: 20_000);

    /// <summary>Under qemu-i386 every instruction of the 32-bit peer is emulated: fewer cycles, the same windows.</summary>
    private static int Cycles32 => PeerProcess.Mono32IsEmulated ? Cycles / 4 : Cycles;

    [Theory]
    [InlineData(RingKind.Spsc)]
    [InlineData(RingKind.Mpsc)]
    public void A_64_bit_producer_commits_with_release_stores_and_no_wake_up_is_lost(RingKind kind)
    {
        (string producer, string consumer) = Run(kind, Cycles, PeerProcess.Start, PeerProcess.Start, "barrier");
        Assert.Contains("release-commits=True", producer);
        Assert.Contains("barrier=True fence-mode=True", consumer);
    }

    [Fact]
    public void A_32_bit_consumer_issues_the_barrier_for_a_64_bit_producer()
    {
        (string producer, string consumer) = Run(RingKind.Spsc, Cycles32, PeerProcess.Start, PeerProcess.Start32, "barrier");
        Assert.Contains("bitness=32", consumer);
        if (consumer.Contains("barrier=True", StringComparison.Ordinal))
        {
            Assert.Contains("release-commits=True", producer);
        }
        else
        {
            // A 32-bit Mono under a qemu-user without membarrier: fence mode is off, and the producer fences.
            Assert.Contains("release-commits=False", producer);
        }
    }

    [Fact]
    public void A_32_bit_producer_keeps_its_fenced_commit_under_a_64_bit_consumer_in_fence_mode()
    {
        (string producer, string consumer) = Run(RingKind.Spsc, Cycles32, PeerProcess.Start32, PeerProcess.Start, "barrier");
        Assert.Contains("bitness=32 release-commits=False", producer);
        Assert.Contains("barrier=True fence-mode=True", consumer);
    }

    [Fact]
    public void A_consumer_that_cannot_issue_the_barrier_turns_fence_mode_off_and_loses_no_wake_up()
    {
        (string producer, string consumer) = Run(RingKind.Spsc, Cycles, PeerProcess.Start, PeerProcess.Start, "nobarrier");
        Assert.Contains("barrier=False fence-mode=False", consumer);
        Assert.Contains("release-commits=False", producer);
    }

    [Fact]
    public void A_consumer_that_cannot_issue_the_barrier_after_a_producer_that_takes_part_attached_caps_its_sleeps_and_loses_nothing()
    {
        // The producer registers first (its slot says it takes part); the consumer then clears fence mode and must
        // cap its sleeps while that producer stays, since it may hold a commit decided with the bit still set. The
        // cap would hide a lost wake-up (2 ms each), so this checks that the capped path is taken and delivers
        // everything, not the handshake; the producer commits with compare-and-swaps here (the bit is clear before
        // its first commit).
        (_, string consumer) = Run(RingKind.Spsc, Cycles, PeerProcess.Start, PeerProcess.Start, "nobarrier", producerFirst: true);
        Assert.Contains("barrier=False fence-mode=False capped=True", consumer);
    }

    /// <summary>Runs one consumer and one producer over a new ring for <paramref name="cycles"/> messages; returns
    /// both outputs after checking that most sleeps really slept and were woken (or the run tested nothing).</summary>
    private static (string Producer, string Consumer) Run(
        RingKind kind, int cycles, Func<string[], PeerProcess> startProducer, Func<string[], PeerProcess> startConsumer, string barrier,
        bool producerFirst = false)
    {
        using var name = new TempName("fence-stress");
        using var ring = SharedRing.Create(name, new RingOptions { Kind = kind, Capacity = 64 * 1024 });
        string count = cycles.ToString(System.Globalization.CultureInfo.InvariantCulture);
        string[] consumerArguments = { "fence-consume", name, count, "30", barrier };
        string[] producerArguments = { "fence-produce", name, count, "40" };
        using PeerProcess first = producerFirst ? startProducer(producerArguments) : startConsumer(consumerArguments);
        first.WaitForOutput("attached", PeerExchange.Timeout);
        using PeerProcess second = producerFirst ? startConsumer(consumerArguments) : startProducer(producerArguments);
        PeerProcess producer = producerFirst ? first : second;
        PeerProcess consumer = producerFirst ? second : first;
        string producerOutput = producer.WaitForSuccess(PeerExchange.Timeout);
        string consumerOutput = consumer.WaitForSuccess(PeerExchange.Timeout);
        Assert.Contains($"consumed {count}", consumerOutput);
        long woken = CrossBitnessTests.ValueIn(consumerOutput, "woken") + CrossBitnessTests.ValueIn(consumerOutput, "changed");
        long met = CrossBitnessTests.ValueIn(consumerOutput, "met");
        Console.WriteLine($"{producerOutput}{consumerOutput}");
        Assert.True(woken + met >= cycles / 5, $"the consumer rarely announced a sleep: {producerOutput}{consumerOutput}");
        Assert.True(woken >= cycles / 100, $"too few sleeps were woken to test the handshake: {producerOutput}{consumerOutput}");
        Assert.True(met >= cycles / 100, $"too few commits landed between the announcement and the re-check: {producerOutput}{consumerOutput}");
        return (producerOutput, consumerOutput);
    }
}
