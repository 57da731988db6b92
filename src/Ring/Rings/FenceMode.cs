using System;
using System.Runtime.InteropServices;

namespace RingIpc;

/// <summary>
/// Fence mode: who may commit without a full fence, and what the consumer owes them before it sleeps.
/// </summary>
/// <remarks>
/// <para>The eventcount (<see cref="RingSignals"/>) needs store→load order on both sides: the producer stores a
/// committed header and then loads the consumer-waiting flag; the consumer stores the flag and then re-loads the
/// header. Without fence mode the producer's side is the commit's compare-and-swap, a full fence per message. In
/// fence mode the consumer pays instead, once per sleep and never per message:</para>
/// <code>
/// consumer (RingSleep)                         producer (commit, fence mode)
/// xchg(consumerWaiting, 1)   store, fence      store-release(header, committed)   no fence
/// membarrier(GLOBAL_EXPEDITED)                 load(consumerWaiting)
/// if load(header) committed: done              if 1: wake
/// futex_wait
/// </code>
/// <para>The barrier returns only after every running thread of every registered process executed a full barrier
/// (a thread that was not running passes one when it is scheduled). Take the point where it hit the producer's
/// thread: if the header store came before it, the store is visible to every load after the barrier, so the
/// consumer's re-check sees it; if it came after, the producer's load of the flag also comes after, and the flag was
/// visible before the barrier began (xchg), so the producer sees 1 and wakes. Either way no wake-up is lost.</para>
/// <para><b>Who takes part.</b> A producer commits with a release store only if its process registered for the
/// barrier (<see cref="Membarrier"/>), runs 64-bit (a 32-bit process's untorn 8-byte store is a locked instruction
/// anyway), knows its pid namespace (below), and the ring's <see cref="RingHeader.FlagFenceMode"/> bit is set when it
/// commits; its registry slot says so (<see cref="EndpointSlotFields.FenceModeCommits"/>). Every other producer —
/// Windows, macOS, 32-bit, a seccomp filter, an old kernel, <c>RINGIPC_FENCE_MODE=off</c> — keeps the
/// compare-and-swap, which is correct whatever the consumer does. The bit is the consumer's promise to issue the
/// barrier: a consumer that can (its trial barrier at attach succeeded) sets it at attach and clears it when it is
/// disposed. One that cannot (Linux with a seccomp filter, say, or a barrier refused later) clears it; producers
/// that take part and were registered then may still commit with a release store that read the bit before it was
/// cleared, so until each of them has left its slot (or died), this consumer's sleeps last at most
/// <see cref="UncertainSleepCapMs"/>: a wake-up missed in that window costs that much latency, never a hang. The
/// clear (a locked read-modify-write) and a producer's registration (its slot's fence-mode word is stored with a full
/// fence, before its first load of the bit) each come before the other side's load, so a producer that registers
/// later either is in that list or sees the bit cleared at every commit.</para>
/// <para>A consumer of a build before fence mode never sets the bit and refuses a ring that has it when it opens
/// the ring; one that opened the ring before a fence-mode consumer set the bit, and takes the role after that
/// consumer crashed (a clean dispose clears the bit), sees release-store commits late, by up to its sleep cap.</para>
/// <para><b>Revocation.</b> The compare-and-swap commit also made a late commit of a revoked claim fail. A release
/// store cannot fail, so a claim must never be revoked while its producer lives: the consumer revokes only a claim
/// whose producer it judges dead from the same pid namespace (<see cref="EndpointSlot.IsHeldByDeadProcess"/>); a
/// process never counts as dead by guesswork (<see cref="ProcessLiveness"/>), and a dead one stores nothing more.</para>
/// </remarks>
internal sealed class FenceMode
{
    /// <summary>The longest sleep of a consumer that cannot issue the barrier while producers that may have
    /// committed without a fence are still attached.</summary>
    public const int UncertainSleepCapMs = 2;

    private readonly SharedInt32 _flags;
    private readonly EndpointRegistry _registry;

    /// <summary>Owner words of the registry slots held when a consumer that cannot issue the barrier cleared the
    /// bit (0: not one of them, or gone since); null when there are none.</summary>
    private long[]? _uncertainOwners;

    /// <summary>Whether this process's consumer issues the barrier before it sleeps.</summary>
    private bool _consumerBarriers;

    public FenceMode(RingHeader header)
    {
        _flags = header.FlagsWord;
        _registry = header.Registry;
    }

    /// <summary>Whether producers of this process take part (see the remarks); decided once per process.</summary>
    public static bool ProducerTakesPart { get; } =
        IntPtr.Size == 8 && PidNamespace.Current != 0 && !IsSwitchedOff && Membarrier.TryRegisterProcess();

    /// <summary>Whether this process must behave as one that cannot take part: <c>RINGIPC_FENCE_MODE=off</c>
    /// (for a seccomp filter that kills on an unknown syscall rather than refusing it).</summary>
    public static bool IsSwitchedOff { get; } =
        string.Equals(Environment.GetEnvironmentVariable("RINGIPC_FENCE_MODE"), "off", StringComparison.OrdinalIgnoreCase);

    /// <summary>Whether the ring is in fence mode now (the producer's check before each commit).</summary>
    public bool IsOn => (_flags.LoadAcquire() & RingHeader.FlagFenceMode) != 0;

    /// <summary>Whether the consumer must issue the barrier after announcing its sleep and before re-checking.</summary>
    public bool ConsumerBarriers => _consumerBarriers;

    /// <summary>A consumer attaches (it holds the role, so no other consumer runs this meanwhile).</summary>
    public void ConsumerAttached() => ConsumerAttached(!IsSwitchedOff && Membarrier.CanIssue && Membarrier.TryIssueGlobal());

    /// <summary><see cref="ConsumerAttached()"/> by a consumer that can issue the barrier or not (tests pass
    /// <c>false</c> to act as a process under a seccomp filter).</summary>
    internal void ConsumerAttached(bool canBarrier)
    {
        _uncertainOwners = null;
        _consumerBarriers = canBarrier;
        if (_consumerBarriers)
        {
            _flags.Or(RingHeader.FlagFenceMode);
            return;
        }

        _flags.Clear(RingHeader.FlagFenceMode); // a full fence, before the slots are read
        if (!RuntimeInformation.IsOSPlatform(OSPlatform.Linux))
        {
            return; // no producer can take part where there is no membarrier: nobody committed without a fence
        }

        // Even if the bit was already clear: a producer may still hold a commit decided under an earlier consumer.
        var owners = new long[EndpointRegistry.SlotCount];
        bool any = false;
        for (int i = 0; i < owners.Length; i++)
        {
            EndpointSlot slot = _registry[i];
            long owner = slot.Owner.LoadAcquire();
            if (EndpointSlot.PidOf(owner) != 0 && slot.FenceModeCommits.LoadAcquire() != 0)
            {
                owners[i] = owner;
                any = true;
            }
        }

        _uncertainOwners = any ? owners : null;
    }

    /// <summary>The consumer is disposed: nobody issues the barrier any more, so producers fence again.</summary>
    public void ConsumerDetached()
    {
        if (_consumerBarriers)
        {
            _consumerBarriers = false;
            _flags.Clear(RingHeader.FlagFenceMode);
        }
    }

    /// <summary>The consumer's barrier, between announcing its sleep and re-checking the ring. If the kernel refuses
    /// it (it answered the query, then a filter said no), fence mode ends for this consumer as if it could never
    /// issue it: the bit is cleared and its sleeps are capped while producers that took part remain.</summary>
    /// <returns>Whether the barrier was issued.</returns>
    public bool IssueBarrier()
    {
        if (Membarrier.TryIssueGlobal())
        {
            return true;
        }

        ConsumerAttached(canBarrier: false);
        return false;
    }

    /// <summary>The consumer's sleep of at most <paramref name="timeoutMs"/> (negative: no limit), shortened to
    /// <see cref="UncertainSleepCapMs"/> while a producer that may have committed without a fence is attached.</summary>
    public int CapSleepMs(int timeoutMs)
    {
        long[]? owners = _uncertainOwners;
        if (owners == null)
        {
            return timeoutMs;
        }

        bool any = false;
        for (int i = 0; i < owners.Length; i++)
        {
            if (owners[i] == 0)
            {
                continue;
            }

            EndpointSlot slot = _registry[i];
            if (slot.Owner.LoadAcquire() != owners[i] || slot.IsHeldByDeadProcess())
            {
                owners[i] = 0; // left, or dead: it commits nothing more
            }
            else
            {
                any = true;
            }
        }

        if (!any)
        {
            _uncertainOwners = null;
            return timeoutMs;
        }

        return timeoutMs < 0 || timeoutMs > UncertainSleepCapMs ? UncertainSleepCapMs : timeoutMs;
    }
}
