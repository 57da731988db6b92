using System;
using System.Buffers.Binary;
using System.Threading.Tasks;
using Xunit;

namespace RingIpc.Tests.Signaling;

/// <summary>A producer process that dies between claiming and committing must not block the ring for good:
/// a waiting consumer revokes the claim once its process is gone, and never while it lives.</summary>
[Collection(nameof(ProcessHeavy))]
public class AbandonedClaimTests
{
    /// <summary>Starts a peer process that takes its hold (<paramref name="mode"/>: a claim or a batch) and keeps it
    /// for two minutes, and returns once it reports <paramref name="holding"/>.</summary>
    private static PeerProcess StartHolding(string mode, string name, string holding)
    {
        var peer = PeerProcess.Start(mode, name, "120");
        peer.WaitForOutput(holding, TimeSpan.FromMinutes(2));
        return peer;
    }

    /// <summary>The one message a live producer writes in these tests: type 1, payload 42.</summary>
    private static void ExpectTheLiveMessage(int type, ReadOnlySpan<byte> payload) => Assert.Equal((1, 42), (type, (int)payload[0]));

    /// <summary>Reads the live producer's message and asserts that nothing of the dead holder's is left.</summary>
    private static void AssertOnlyTheLiveMessageIsLeft(RingConsumer consumer)
    {
        Assert.Equal(1, consumer.Read(ExpectTheLiveMessage));
        Assert.False(consumer.TryRead(out _));
    }

    [Theory]
    [InlineData(RingKind.Mpsc)]
    [InlineData(RingKind.Spsc)]
    public void The_claim_of_a_killed_producer_process_is_skipped(RingKind kind)
    {
        using var name = new TempName("abandoned");
        using var ring = SharedRing.Create(name, new RingOptions { Kind = kind, Capacity = 4096 });
        using var consumer = ring.CreateConsumer(WaitStrategy.SpinThenBlock(spinCount: 0));
        using var peer = StartHolding("claim-and-hold", name, "claimed");

        if (kind == RingKind.Mpsc)
        {
            using var other = ring.CreateProducer();
            Assert.True(other.TryWrite(new byte[] { 42 }, messageType: 1));
            Assert.False(consumer.WaitForData(TimeSpan.FromMilliseconds(300)), "a live producer's claim must not be revoked");
        }

        peer.Kill();
        using var producer = ring.CreateProducer(); // SPSC: the dead producer's role is free
        if (kind == RingKind.Spsc)
        {
            Assert.True(producer.TryWrite(new byte[] { 42 }, messageType: 1));
        }

        Assert.True(consumer.WaitForData(TimeSpan.FromSeconds(30)), "the abandoned claim still blocks the ring");
        AssertOnlyTheLiveMessageIsLeft(consumer);
    }

    /// <summary>A batch is all or nothing: a producer process killed with a batch open, its records written and their
    /// headers committed inside it, leaves none of them to the consumer, which revokes the batch as one claim.</summary>
    [Theory]
    [InlineData(RingKind.Mpsc)]
    [InlineData(RingKind.Spsc)]
    public void The_open_batch_of_a_killed_producer_process_is_dropped_whole(RingKind kind)
    {
        using var name = new TempName("abandoned-batch");
        using var ring = SharedRing.Create(name, new RingOptions { Kind = kind, Capacity = 16384 });
        using var consumer = ring.CreateConsumer(WaitStrategy.SpinThenBlock(spinCount: 0));
        using var peer = StartHolding("batch-and-hold", name, "batched");
        Assert.False(consumer.WaitForData(TimeSpan.FromMilliseconds(300)), "an open batch must not be visible, nor a live producer's batch revoked");

        peer.Kill();
        using var producer = ring.CreateProducer(); // SPSC: the dead producer's role is free
        Assert.True(producer.TryWrite(new byte[] { 42 }, messageType: 1));
        Assert.True(consumer.WaitForData(TimeSpan.FromSeconds(30)), "the abandoned batch still blocks the ring");
        AssertOnlyTheLiveMessageIsLeft(consumer);
    }

    /// <summary>A consumer that only polls never sleeps, so the sleeping wait's revocation never runs for it: it
    /// revokes once the same claim has stayed at the head a while, with TryRead and with batch reads.</summary>
    [Theory]
    [InlineData(RingKind.Mpsc, "try-read")]
    [InlineData(RingKind.Mpsc, "batch")]
    [InlineData(RingKind.Spsc, "try-read")]
    public void A_consumer_that_only_polls_skips_the_claim_of_a_killed_producer_process(RingKind kind, string how)
    {
        using var name = new TempName("abandoned-poll");
        using var ring = SharedRing.Create(name, new RingOptions { Kind = kind, Capacity = 4096 });
        using var consumer = ring.CreateConsumer(WaitStrategy.BusySpin);
        using var peer = StartHolding("claim-and-hold", name, "claimed");
        bool Poll(TimeSpan during)
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            while (clock.Elapsed < during)
            {
                if (how == "batch" ? consumer.Read(ExpectTheLiveMessage) == 1 : TryReadOne())
                {
                    return true;
                }
            }

            return false;
        }

        bool TryReadOne()
        {
            if (!consumer.TryRead(out RingMessage message))
            {
                return false;
            }

            using (message)
            {
                ExpectTheLiveMessage(message.MessageType, message.Payload);
            }

            return true;
        }

        if (kind == RingKind.Mpsc)
        {
            using var other = ring.CreateProducer();
            Assert.True(other.TryWrite(new byte[] { 42 }, messageType: 1));
            Assert.False(Poll(TimeSpan.FromMilliseconds(500)), "a live producer's claim must not be revoked");
        }

        peer.Kill();
        using var producer = ring.CreateProducer(); // SPSC: the dead producer's role is free
        if (kind == RingKind.Spsc)
        {
            Assert.True(producer.TryWrite(new byte[] { 42 }, messageType: 1));
        }

        Assert.True(Poll(TimeSpan.FromSeconds(30)), "the abandoned claim still blocks a polling consumer");
        Assert.False(consumer.TryRead(out _));
    }

    [Fact]
    public async Task An_awaiting_consumer_skips_the_claim_of_a_killed_producer_process()
    {
        using var name = new TempName("abandoned-async");
        using var ring = SharedRing.Create(name, new RingOptions { Kind = RingKind.Mpsc, Capacity = 4096 });
        using var consumer = ring.CreateConsumer();
        using var peer = StartHolding("claim-and-hold", name, "claimed");
        using var other = ring.CreateProducer();
        Assert.True(other.TryWrite(new byte[] { 42 }, messageType: 1));

        Task<bool> waiting = consumer.WaitToReadAsync().AsTask();
        await Task.Delay(300);
        Assert.False(waiting.IsCompleted, "a live producer's claim must not be revoked");
        peer.Kill();
        Assert.True(await waiting.WaitAsync(TimeSpan.FromSeconds(30)), "the abandoned claim still blocks the ring");
        Assert.Equal(1, consumer.Read(ExpectTheLiveMessage));
    }

    [Fact]
    public void A_revoked_claim_cannot_be_committed_afterwards()
    {
        using var test = new TestRing("revoked", new RingOptions { Capacity = 4096 });
        test.Consumer.Dispose();
        using var consumer = test.Ring.CreateConsumer(WaitStrategy.SpinThenBlock(spinCount: 0)); // blocks, so it revokes, at once
        Assert.True(test.Producer.TryClaim(8, out RingClaim claim, messageType: 3));

        // Pretend the claim belongs to a process that does not exist (pids stop below 2^22).
        using (var section = SharedSection.Open(test.Name))
        {
            BinaryPrimitives.WriteInt32LittleEndian(section.GetSpan(RingHeader.Size + 4, 4), ClaimMarkers.MarkerOf(EndpointRegistry.SlotCount - 1));
        }

        Assert.False(consumer.WaitForData(TimeSpan.FromMilliseconds(200))); // revokes it; nothing to read
        bool refused = false;
        try
        {
            claim.Commit();
        }
        catch (InvalidOperationException exception) when (exception.Message.Contains("revoked", StringComparison.Ordinal))
        {
            refused = true;
        }

        Assert.True(refused, "a revoked claim was committed");
        Assert.True(test.Producer.TryWrite(new byte[] { 7 }));
        Assert.Equal(1, consumer.Read((_, payload) => Assert.Equal(7, payload[0])));
    }

    [Fact]
    public void Dead_claims_behind_padding_are_revoked_one_after_another()
    {
        using var name = new TempName("revoke-chain");
        using var ring = SharedRing.Create(name, new RingOptions { Kind = RingKind.Mpsc, Capacity = 4096 });
        using var consumer = ring.CreateConsumer(WaitStrategy.SpinThenBlock(spinCount: 0));
        using var first = ring.CreateProducer();
        using var second = ring.CreateProducer();
        using var live = ring.CreateProducer();
        Assert.True(first.TryClaim(8, out RingClaim a));
        Assert.True(second.TryClaim(24, out RingClaim b));
        Assert.True(live.TryWrite(new byte[] { 5 }, messageType: 2));

        // Both claims now belong to a process that does not exist.
        using (var section = SharedSection.Open(name))
        {
            BinaryPrimitives.WriteInt32LittleEndian(section.GetSpan(RingHeader.Size + 4, 4), ClaimMarkers.MarkerOf(EndpointRegistry.SlotCount - 1));
            BinaryPrimitives.WriteInt32LittleEndian(section.GetSpan(RingHeader.Size + 16 + 4, 4), ClaimMarkers.MarkerOf(EndpointRegistry.SlotCount - 2));
        }

        Assert.True(consumer.WaitForData(TimeSpan.FromSeconds(10)), "a dead claim behind a revoked one still blocks the ring");
        Assert.Equal(1, consumer.Read((type, payload) => Assert.Equal((2, 5), (type, (int)payload[0]))));
        a.Dispose();
        b.Dispose();
    }

    /// <summary>A producer that exited but was never reaped (a container's pid 1 often never reaps) is dead: its
    /// claim is revoked. The zombie is real: a shell's background child whose parent execs a process that never
    /// waits for it.</summary>
    [Fact]
    public void The_claim_of_a_producer_that_exited_and_was_never_reaped_is_revoked()
    {
        var parent = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("sh", new[] { "-c", "sleep 0.05 & echo $!; exec sleep 30" })
        {
            RedirectStandardOutput = true,
        })!;
        try
        {
            int zombie = int.Parse(parent.StandardOutput.ReadLine()!, System.Globalization.CultureInfo.InvariantCulture);
            KernelWaits.WaitUntil(() => System.IO.File.ReadAllText($"/proc/{zombie}/stat").Contains(") Z ", StringComparison.Ordinal), "the child to become a zombie");
            Assert.False(ProcessLiveness.IsAlive(new ProcessIdentity(zombie, 0)));
            Assert.True(ProcessLiveness.IsAlive(new ProcessIdentity(parent.Id, 0)));

            using var name = new TempName("revoke-zombie");
            using var ring = SharedRing.Create(name, new RingOptions { Kind = RingKind.Mpsc, Capacity = 4096 });
            using var consumer = ring.CreateConsumer(WaitStrategy.SpinThenBlock(spinCount: 0));
            using var claimer = ring.CreateProducer();
            using var live = ring.CreateProducer();
            Assert.True(claimer.TryClaim(8, out RingClaim claim));
            Assert.True(live.TryWrite(new byte[] { 7 }, messageType: 3));
            using (var section = SharedSection.Open(name))
            {
                // The claimer's registry slot (the first taken: 0) now names the zombie, start time unknown: judged by pid.
                int claimerSlot = ClaimMarkers.SlotOf(BinaryPrimitives.ReadInt32LittleEndian(section.GetSpan(RingHeader.Size + 4, 4)));
                Assert.Equal(0, claimerSlot);
                Span<byte> owner = section.GetSpan(EndpointRegistry.Offset + EndpointSlotFields.Offsets.Owner, 8);
                BinaryPrimitives.WriteInt32LittleEndian(owner, zombie);

                // Published as the zombie's: the identity is written for this owner word (else the slot reads as being taken).
                BinaryPrimitives.WriteInt64LittleEndian(section.GetSpan(EndpointRegistry.Offset + EndpointSlotFields.Offsets.StartTime, 8), 0);
                owner.CopyTo(section.GetSpan(EndpointRegistry.Offset + EndpointSlotFields.Offsets.StartTimeOwner, 8));
            }

            Assert.True(consumer.WaitForData(TimeSpan.FromSeconds(10)), "the zombie's claim still blocks the ring");
            Assert.Equal(1, consumer.Read((type, payload) => Assert.Equal((3, 7), (type, (int)payload[0]))));
            claim.Dispose();
        }
        finally
        {
            parent.Kill();
            parent.WaitForExit();
        }
    }

    [Fact]
    public void A_hostile_claimed_length_is_refused_not_skipped()
    {
        using var test = new TestRing("hostile-claim", new RingOptions { Capacity = 4096 });
        using (var section = SharedSection.Open(test.Name))
        {
            BinaryPrimitives.WriteInt64LittleEndian(section.GetSpan(RingHeader.Size, 8), RecordLayout.Header(-100_000, ClaimMarkers.MarkerOf(EndpointRegistry.SlotCount - 1)));
        }

        Assert.Equal("claimed record length", Assert.Throws<RingFormatException>(() => test.Consumer.WaitForData(TimeSpan.FromSeconds(5))).Field);
    }
}
