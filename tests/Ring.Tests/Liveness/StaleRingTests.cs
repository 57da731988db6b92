using System;
using System.IO;
using Xunit;

namespace RingIpc.Tests.Liveness;

/// <summary>Stale rings — whose creator and every endpoint are dead — are reclaimed on request, never silently, and
/// one that holds unread messages only when forced. The dead creators are real processes that exited.</summary>
[Collection(nameof(ProcessHeavy))]
public class StaleRingTests
{
    private static readonly TimeSpan PeerTimeout = TimeSpan.FromSeconds(60);

    /// <summary>A child process creates the ring (and writes and reads through it), then exits: the ring is stale and empty.</summary>
    private static void CreateInDeadProcess(string name)
    {
        using PeerProcess creator = PeerProcess.Start("create", name, "16384");
        Assert.Contains("created", creator.WaitForSuccess(PeerTimeout));
    }

    /// <summary>A child process writes <paramref name="count"/> messages into the ring and exits.</summary>
    private static void ProduceInDeadProcess(string name, int count)
    {
        using PeerProcess producer = PeerProcess.Start("produce", name, "0", count.ToString(System.Globalization.CultureInfo.InvariantCulture), "30");
        producer.WaitForSuccess(PeerTimeout);
    }

    [Fact]
    public void A_ring_whose_creator_exited_is_stale_and_reclaimed()
    {
        using var name = new TempName("stale-empty");
        CreateInDeadProcess(name);
        using (SharedRing ring = SharedRing.Open(name))
        {
            RingStatus status = ring.GetStatus();
            Assert.False(status.CreatorIsAlive);
            Assert.True(status.IsStale);
            Assert.Equal(0, status.UnreadMessages);
        }

        Assert.True(SharedRing.DeleteIfStale(name));
        Assert.Throws<FileNotFoundException>(() => SharedRing.Open(name));
        Assert.Empty(Directory.GetFiles("/dev/shm", $"RingIpc.{name.Name}*"));
    }

    [Fact]
    public void A_stale_ring_with_unread_messages_is_kept_unless_forced()
    {
        using var name = new TempName("stale-unread");
        CreateInDeadProcess(name);
        ProduceInDeadProcess(name, 10);
        using (SharedRing ring = SharedRing.Open(name))
        {
            RingStatus status = ring.GetStatus();
            Assert.True(status.IsStale);
            Assert.Equal(10, status.UnreadMessages);
        }

        Assert.False(SharedRing.DeleteIfStale(name));
        var refused = Assert.Throws<IOException>(() => SharedRing.Create(name, new RingOptions { Capacity = 4096, ReplaceStale = StaleRingReplacement.IfNoUnreadMessages }));
        Assert.Contains("10 unread message", refused.Message);
        using (SharedRing kept = SharedRing.Open(name))
        {
            Assert.Equal(10, kept.GetStatus().UnreadMessages);
        }

        using SharedRing replaced = SharedRing.Create(name, new RingOptions { Capacity = 4096, ReplaceStale = StaleRingReplacement.EvenWithUnreadMessages });
        Assert.Equal(4096, replaced.Capacity);
        Assert.Equal(0, replaced.GetStatus().UnreadMessages);
    }

    [Fact]
    public void Create_replaces_a_stale_ring_only_when_asked()
    {
        using var name = new TempName("stale-create");
        CreateInDeadProcess(name);
        Assert.Throws<IOException>(() => SharedRing.Create(name, new RingOptions { Capacity = 4096 }));
        using SharedRing ring = SharedRing.Create(name, new RingOptions { Capacity = 4096, ReplaceStale = StaleRingReplacement.IfNoUnreadMessages });
        Assert.True(ring.Created);
        Assert.Equal(Environment.ProcessId, ring.GetStatus().CreatorProcessId);
    }

    [Fact]
    public void A_ring_in_use_is_never_reclaimed()
    {
        using var test = new TestRing("stale-in-use", new RingOptions { Capacity = 4096 });
        Assert.False(SharedRing.DeleteIfStale(test.Name, evenWithUnreadMessages: true));
        var refused = Assert.Throws<IOException>(() => SharedRing.Create(test.Name, new RingOptions { ReplaceStale = StaleRingReplacement.EvenWithUnreadMessages }));
        Assert.Contains("alive", refused.Message);
        Assert.True(test.Producer.TryWrite(new byte[1]));
        Assert.True(test.Consumer.TryRead(out RingMessage message));
        message.Dispose();
    }

    /// <summary>A live producer attached to a stale ring (its creator dead) keeps it from being reclaimed.</summary>
    [Fact]
    public void A_live_producer_keeps_a_ring_whose_creator_died()
    {
        using var name = new TempName("stale-producer");
        CreateInDeadProcess(name);
        using SharedRing ring = SharedRing.Open(name);
        using (RingProducer producer = ring.CreateProducer())
        {
            Assert.False(SharedRing.DeleteIfStale(name));
            Assert.True(producer.TryWrite(new byte[4]));
        }

        Assert.False(SharedRing.DeleteIfStale(name), "a ring with an unread message was reclaimed without force");
        Assert.True(SharedRing.DeleteIfStale(name, evenWithUnreadMessages: true));
    }

    /// <summary>A producer that attaches to a ring that a reclaim retired is refused with a clear error, so nothing is
    /// ever written into a ring whose name is gone.</summary>
    [Fact]
    public void No_endpoint_attaches_to_a_retired_ring()
    {
        using var name = new TempName("stale-retired");
        CreateInDeadProcess(name);
        using SharedRing ring = SharedRing.Open(name);
        Assert.True(ring.Header.InitState.CompareAndSwap(RingHeader.InitStateReady, RingHeader.InitStateRetired));
        var producerRefused = Assert.Throws<InvalidOperationException>(() => ring.CreateProducer());
        Assert.Contains("open or create it again", producerRefused.Message);
        Assert.Throws<InvalidOperationException>(() => ring.CreateConsumer());
        Assert.Empty(ring.GetStatus().Producers);
        Assert.Throws<FileNotFoundException>(() => SharedRing.Open(name));
        Assert.True(ring.Header.InitState.CompareAndSwap(RingHeader.InitStateRetired, RingHeader.InitStateReady));
        using RingProducer accepted = ring.CreateProducer();
    }
}

/// <summary>Nothing of a deleted ring outlives its endpoints, even one killed after the ring was deleted.</summary>
[Collection(nameof(ProcessHeavy))]
public class OrphanedFileTests
{
    [Fact]
    public void The_lock_file_of_a_consumer_killed_after_Delete_is_removed_by_the_next_Delete()
    {
        using var name = new TempName("orphan-kill");
        using var other = new TempName("orphan-other");
        using (SharedRing.Create(name, new RingOptions { Capacity = 4096 }))
        {
        }

        string lockFile = $"/dev/shm/RingIpc.{name.Name}@consumer";
        using (PeerProcess holder = PeerProcess.Start("hold-consumer", name, "60"))
        {
            holder.WaitForOutput("holding", TimeSpan.FromSeconds(60));
            Assert.True(SharedRing.Delete(name));
            Assert.True(File.Exists(lockFile), "Delete removed the lock file of a held role");
            holder.Kill();
        }

        Assert.True(File.Exists(lockFile));
        Assert.False(SharedRing.Delete(other)); // any Delete, of any name, sweeps what dead endpoints left
        Assert.False(File.Exists(lockFile), "the killed holder's lock file outlived the ring");
    }
}
