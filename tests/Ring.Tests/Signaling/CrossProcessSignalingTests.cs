using System;
using System.Globalization;
using System.Linq;
using System.Text.RegularExpressions;
using RingIpc.Tests.CrossProcess;
using Xunit;

namespace RingIpc.Tests.Signaling;

/// <summary>Signaling between real processes: wake-ups, idle cost, the create race. The peers' waits have no
/// periodic re-check (see RingIpc.Peer.Strict), so a lost wake-up stalls a peer past its deadline and fails.</summary>
[Collection(nameof(ProcessHeavy))]
public class CrossProcessSignalingTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(3);

    [Theory]
    [InlineData("consume-blocking")]
    [InlineData("consume-async")]
    public void A_million_messages_in_bursts_with_pauses_lose_no_wake_up(string consumerMode)
    {
        using var name = new TempName("bursts");
        using var ring = SharedRing.Create(name, new RingOptions { Capacity = 64 * 1024 });
        // A lost wake-up leaves the consumer asleep past its 30 s wait: the peer fails.
        (string consumer, string[] producers) = PeerExchange.Run(name, 1_000_000, new PeerSpec(consumerMode), new PeerSpec("produce-blocking"));
        AssertSleptAndWasWoken(consumer);
        AssertNoSleepPolled(producers[0]);
    }

    /// <summary>The peer's waits slept, and only wake-ups (or a word that had already moved on) ended the sleeps:
    /// none reached its time limit, none fell back to polling.</summary>
    internal static void AssertSleptAndWasWoken(string output)
    {
        Assert.True(KernelWaits.Count(output, "woken") > 0, $"the peer never slept and was woken, so this run could not lose a wake-up:\n{output}");
        Assert.Equal(0, KernelWaits.Count(output, "timed-out"));
        AssertNoSleepPolled(output);
    }

    /// <summary>No sleep of the peer polled: its futex works.</summary>
    internal static void AssertNoSleepPolled(string output)
    {
        Assert.Equal(0, KernelWaits.Count(output, "polled"));
        Assert.Equal(0, KernelWaits.Count(output, "futex-failure"));
    }

    [Fact]
    public void A_consumer_blocked_on_an_empty_ring_uses_almost_no_cpu()
    {
        using var name = new TempName("idle");
        using var ring = SharedRing.Create(name);
        using var consumer = PeerProcess.Start("idle-cpu", name, "2000");
        string output = consumer.WaitForSuccess(Timeout);
        Match match = Regex.Match(output, @"data=False waited-ms=(\d+) cpu-ms=(\d+)");
        Assert.True(match.Success, output);
        double waitedMs = double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
        double cpuMs = double.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture);
        Assert.True(waitedMs >= 2000, output);
        Assert.True(cpuMs < 0.05 * waitedMs, $"the blocked consumer used {cpuMs} ms of CPU in {waitedMs} ms (5% allowed)");
    }

    [Theory]
    [InlineData("spin")]
    [InlineData("yield")]
    public void A_producer_makes_no_wake_syscall_while_the_consumer_is_awake(string strategy)
    {
        const long Count = 200_000;
        using var name = new TempName("no-syscall");
        using var ring = SharedRing.Create(name, new RingOptions { Capacity = 64 * 1024 });
        using var consumer = PeerProcess.Start("consume-blocking", name, "1", Invariant(Count), "30", strategy);
        consumer.WaitForOutput("attached", Timeout);
        using var producer = ring.CreateProducer();
        byte[] message = new byte[RingIpc.Peer.TestMessage.MaxLength];
        for (long sequence = 0; sequence < Count; sequence++)
        {
            int length = RingIpc.Peer.TestMessage.LengthOf(0, sequence);
            RingIpc.Peer.TestMessage.Write(message.AsSpan(0, length), 0, sequence);
            producer.Write(message.AsSpan(0, length), 0, TimeSpan.FromSeconds(30));
        }

        Assert.Contains($"verified {Count} messages", consumer.WaitForSuccess(Timeout));
        Assert.Equal(0, producer.WakeCalls);
    }

    [Fact]
    public void Eight_processes_racing_to_open_or_create_a_ring_share_one_that_exactly_one_initialized()
    {
        const int Processes = 8;
        using var name = new TempName("race");
        string barrier = System.IO.Path.Combine(System.IO.Path.GetTempPath(), name.Name + ".barrier");
        var peers = Enumerable.Range(0, Processes).Select(_ => PeerProcess.Start("open-or-create", name, barrier)).ToArray();
        try
        {
            // A start barrier: every process is up (JIT and all) before any of them calls OpenOrCreate.
            foreach (PeerProcess peer in peers)
            {
                peer.WaitForOutput("ready", Timeout);
            }

            System.IO.File.WriteAllText(barrier, "go");
            string[] outputs = peers.Select(p => p.WaitForSuccess(Timeout)).ToArray();
            Assert.Equal(1, outputs.Count(o => o.Contains("created=True", StringComparison.Ordinal)));
            Assert.Equal(Processes - 1, outputs.Count(o => o.Contains("created=False", StringComparison.Ordinal)));

            // The calls overlapped: some process began its OpenOrCreate before the creator's had ended.
            var calls = outputs.Select(o => Regex.Match(o, @"created=(\w+) pid=\d+ began=(\d+) ended=(\d+)"))
                .Select(m => (Created: m.Groups[1].Value == "True", Began: long.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture), Ended: long.Parse(m.Groups[3].Value, CultureInfo.InvariantCulture)))
                .ToArray();
            var creator = calls.Single(c => c.Created);
            Assert.True(calls.Count(c => !c.Created && c.Began < creator.Ended) > 0,
                "no other process called OpenOrCreate while the creator did: the race never happened");

            using var ring = SharedRing.Open(name);
            using var consumer = ring.CreateConsumer();
            var pids = new System.Collections.Generic.List<int>();
            consumer.Read((_, payload) => pids.Add(BitConverter.ToInt32(payload)));
            Assert.Equal(peers.Select(p => p.Id).OrderBy(p => p), pids.OrderBy(p => p));
        }
        finally
        {
            foreach (var peer in peers)
            {
                peer.Dispose();
            }

            System.IO.File.Delete(barrier);
        }
    }

    private static string Invariant(long value) => value.ToString(CultureInfo.InvariantCulture);
}
