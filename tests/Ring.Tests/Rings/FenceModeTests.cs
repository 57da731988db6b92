using System;
using System.Diagnostics;
using System.IO;
using System.Runtime.InteropServices;
using System.Text;
using System.Threading;
using Xunit;

namespace RingIpc.Tests.Rings;

/// <summary>Fence mode in one process (<see cref="FenceMode"/>): who sets the header bit, what a consumer that
/// cannot issue the barrier owes, and the pid-namespace rule that keeps a live producer's claim from being revoked.
/// The cross-process sleep/wake stress is in <c>FenceModeStressTests</c>.</summary>
public unsafe class FenceModeTests
{
    [Fact]
    public void A_consumer_that_can_issue_the_barrier_turns_fence_mode_on_until_it_leaves_and_release_commits_deliver()
    {
        using var test = new TestRing("fence-on");
        FenceMode fence = test.Ring.Signals.Fence;
        Assert.Equal(Membarrier.CanIssue, fence.IsOn);
        Assert.Equal(Membarrier.CanIssue, fence.ConsumerBarriers);
        if (RuntimeInformation.IsOSPlatform(OSPlatform.Linux) && RuntimeInformation.ProcessArchitecture == System.Runtime.InteropServices.Architecture.X64)
        {
            // This machine's kernel has membarrier: the mode and the release-store commits below are really tested.
            Assert.True(fence.IsOn);
            Assert.True(FenceMode.ProducerTakesPart);
        }

        for (int i = 0; i < 1000; i++)
        {
            Assert.True(test.Producer.TryWrite(BitConverter.GetBytes(i)));
            int read = -1;
            Assert.Equal(1, test.Consumer.Read((_, payload) => read = BitConverter.ToInt32(payload), 1));
            Assert.Equal(i, read);
        }

        // A ring with the bit opens (this version knows it); the bit goes when the consumer leaves (nobody issues the barrier).
        using (SharedRing again = SharedRing.Open(test.Name))
        {
            Assert.Equal(Membarrier.CanIssue, again.Signals.Fence.IsOn);
        }

        test.Consumer.Dispose();
        Assert.False(fence.IsOn);
        Assert.Equal(FenceMode.ProducerTakesPart ? 1 : 0, test.Ring.Header.Registry[0].FenceModeCommits.LoadAcquire()); // the producer's slot says whether it takes part
    }

    [Fact]
    public void A_consumer_that_cannot_issue_the_barrier_turns_fence_mode_off_and_caps_its_sleeps_until_earlier_producers_leave()
    {
        using var test = new TestRing("fence-off", new RingOptions { Kind = RingKind.Mpsc });
        FenceMode fence = test.Ring.Signals.Fence;
        fence.ConsumerAttached(canBarrier: false);
        Assert.False(fence.IsOn);
        Assert.False(fence.ConsumerBarriers);
        Assert.Equal(FenceMode.UncertainSleepCapMs, fence.CapSleepMs(Timeout.Infinite));
        Assert.Equal(FenceMode.UncertainSleepCapMs, fence.CapSleepMs(200));
        Assert.Equal(1, fence.CapSleepMs(1));

        // A producer that registers now sees the bit cleared at every commit: it adds no uncertainty.
        using (RingProducer later = test.Ring.CreateProducer())
        {
            test.Producer.Dispose();
            Assert.Equal(Timeout.Infinite, fence.CapSleepMs(Timeout.Infinite));
            Assert.Equal(200, fence.CapSleepMs(200));
            Assert.True(later.TryWrite(new byte[] { 7 }));
            Assert.True(test.Consumer.WaitForData(TimeSpan.FromSeconds(10)));
        }

        fence.ConsumerAttached(canBarrier: true);
        Assert.True(fence.IsOn);
        Assert.Equal(Timeout.Infinite, fence.CapSleepMs(Timeout.Infinite));
    }

    [Fact]
    public void A_consumer_that_cannot_issue_the_barrier_does_not_cap_its_sleeps_for_producers_that_never_skip_the_fence()
    {
        using var test = new TestRing("fence-off-fenced");
        test.Ring.Header.Registry[0].FenceModeCommits.StoreRelease(0); // as a 32-bit or Windows producer's slot says
        test.Ring.Signals.Fence.ConsumerAttached(canBarrier: false);
        Assert.Equal(Timeout.Infinite, test.Ring.Signals.Fence.CapSleepMs(Timeout.Infinite));
        test.Ring.Header.Registry[0].FenceModeCommits.StoreRelease(1);
        test.Ring.Signals.Fence.ConsumerAttached(canBarrier: false);
        Assert.Equal(FenceMode.UncertainSleepCapMs, test.Ring.Signals.Fence.CapSleepMs(Timeout.Infinite));
    }

    [Fact]
    public void A_consumer_that_cannot_issue_the_barrier_and_finds_no_producer_sleeps_uncapped()
    {
        using var name = new TempName("fence-off-empty");
        using var ring = SharedRing.Create(name);
        using RingConsumer consumer = ring.CreateConsumer();
        ring.Signals.Fence.ConsumerAttached(canBarrier: false);
        Assert.Equal(Timeout.Infinite, ring.Signals.Fence.CapSleepMs(Timeout.Infinite));
    }

    [Fact]
    public void A_slot_holder_in_another_pid_namespace_is_never_judged_dead()
    {
        Assert.True(PidNamespace.Current != 0, "this Linux machine's pid namespace could not be read");
        int deadPid = ExitedProcessId();
        byte* memory = (byte*)NativeMemory.AllocZeroed(EndpointSlotFields.Size);
        try
        {
            var slot = new EndpointSlot(memory, 0);
            long owner = EndpointSlot.NextOwner(0, deadPid);
            slot.Owner.StoreRelease(owner);
            slot.Publish(new ProcessIdentity(deadPid, 0), owner, fenceModeCommits: true);
            Assert.True(slot.IsHeldByDeadProcess()); // the same namespace: judged, and dead
            Assert.True(slot.IsReusable(owner, long.MaxValue));

            long* pidNamespace = (long*)(memory + EndpointSlotFields.Offsets.PidNamespace);
            *pidNamespace = PidNamespace.Current + 1;
            Assert.False(slot.IsHeldByDeadProcess()); // its pid names another process, or none, here: never judged
            Assert.False(slot.IsReusable(owner, long.MaxValue));

            *pidNamespace = 0; // a holder that did not know its namespace (another OS, an older version): judged by pid
            Assert.True(slot.IsHeldByDeadProcess());

            // Being taken (the owner word is new, its identity not published yet): never judged, so never taken over.
            long taking = EndpointSlot.NextOwner(owner, deadPid);
            slot.Owner.StoreRelease(taking);
            Assert.False(slot.IsHeldByDeadProcess());
            Assert.False(slot.IsReusable(taking, long.MaxValue));
        }
        finally
        {
            NativeMemory.Free(memory);
        }
    }

    [Fact]
    public void The_pid_namespace_is_the_inode_named_by_proc_self_ns_pid()
    {
        string target = new FileInfo("/proc/self/ns/pid").LinkTarget!;
        Assert.Equal(PidNamespace.Parse(Encoding.ASCII.GetBytes(target)), PidNamespace.Current);
        Assert.Equal(4026531836L, PidNamespace.Parse("pid:[4026531836]"u8));
        Assert.Equal(0, PidNamespace.Parse("pid:[]"u8));
        Assert.Equal(0, PidNamespace.Parse("pid:[12a]"u8));
        Assert.Equal(0, PidNamespace.Parse("net:[4026531836]"u8));
        Assert.Equal(0, PidNamespace.Parse("pid:[4026531836"u8));
        Assert.Equal(0, PidNamespace.Parse("pid:[99999999999999999999]"u8));
    }

    /// <summary>The pid of a process that ran and was reaped: no process has it now (barring a quick reuse).</summary>
    private static int ExitedProcessId()
    {
        using var process = Process.Start(new ProcessStartInfo("true") { UseShellExecute = false })!;
        process.WaitForExit();
        return process.Id;
    }
}
