using System;
using System.Runtime.CompilerServices;

namespace RingIpc;

/// <summary>
/// The eventcount of one ring (DESIGN.md §3): the consumer waits for data on the "data" event, producers wait
/// for space on the "space" event, and a side makes a wake-up syscall only when the other side announced that
/// it sleeps, so while both are awake no syscall is made at all. <see cref="RingSleep"/> runs the handshake.
/// </summary>
/// <remarks>
/// <para>Memory-ordering argument, consumer waiting for data (producers waiting for space is the mirror image,
/// with the producers-asleep word — one bit per producer's registry slot, so that a bit a dead producer left set
/// can be cleared without guessing (<see cref="ClearDeadSleepers"/>) — and the head):</para>
/// <code>
/// consumer (RingSleep)                       producer (commit)
/// s = load(dataSequence)                     store(length, +n)      ┐ one xchg: store, then
/// xchg(consumerWaiting, 1)  ┐ store, then    load(consumerWaiting)  ┘ full fence
///                           ┘ full fence     if 1: xchg(consumerWaiting, 0) = 1 →
/// if load(length) &gt; 0: done                        dataSequence++; futex_wake(dataSequence)
/// futex_wait(dataSequence, s)
/// store(consumerWaiting, 0)
/// </code>
/// Each side stores, fences, then loads what the other side stores (Dekker): at least one of them sees the
/// other's store. If the consumer's re-check sees the length, it does not sleep. Otherwise the producer sees
/// the flag, advances the sequence and wakes; the consumer's futex_wait either returns at once because the
/// sequence is no longer <c>s</c>, or is woken. Without the fences both loads could be served before either
/// store is visible (x86 store buffer) and the consumer would sleep through the commit: a lost wake-up.
/// The xchg on the flag makes exactly one of several producers pay for the syscall. In fence mode the producer's
/// commit is a release store without a fence, and the consumer issues a cross-process barrier between its xchg
/// and its re-check instead (<see cref="FenceMode"/>, which gives that argument).
/// </remarks>
internal sealed class RingSignals : IDisposable
{
    private readonly SharedInt32 _consumerWaiting;
    private readonly SharedInt32 _producersAsleep;
    private readonly SharedEvent _space;

    public RingSignals(string ringName, RingHeader header)
    {
        _consumerWaiting = header.ConsumerWaiting;
        _producersAsleep = header.ProducersAsleep;
        SharedEvent data = SharedEvent.Create(ringName, "data", header.DataSequence);
        _space = SharedEvent.Create(ringName, "space", header.SpaceSequence);
        Fence = new FenceMode(header);
        Data = new WaitSide(data, _consumerWaiting, 0, Fence);
    }

    /// <summary>Fence mode: whether producers commit without a fence, and what the consumer owes them.</summary>
    public FenceMode Fence { get; }

    /// <summary>The consumer's side: it waits for data, announced by a flag.</summary>
    public WaitSide Data { get; }

    /// <summary>The "space" event, which producers sleep on.</summary>
    public SharedEvent Space => _space;

    /// <summary>The side of the producer in registry slot <paramref name="slot"/>: it waits for space, announced by
    /// its bit of the producers-asleep word.</summary>
    public WaitSide SpaceSideOf(in EndpointSlot slot) => new(_space, _producersAsleep, slot.AsleepBit, null);

    /// <summary>Whether any producer announced that it sleeps (the consumer's cheap check for a stale bit).</summary>
    public int ProducersAsleep => _producersAsleep.LoadAcquire();

    /// <summary>Consumer: clears the bits of producers that died asleep, so that a release stops paying a wake-up
    /// syscall for them. A slot taken over meanwhile by a live producer that announced its sleep could lose its bit:
    /// the one signal after clearing wakes every sleeper, and each re-announces before it sleeps again.</summary>
    /// <returns>How many bits were cleared.</returns>
    public int ClearDeadSleepers(in EndpointRegistry registry)
    {
        int asleep = _producersAsleep.LoadAcquire();
        int cleared = 0;
        for (int i = 0; i < EndpointRegistry.SlotCount && asleep != 0; i++)
        {
            EndpointSlot slot = registry[i];
            if ((asleep & slot.AsleepBit) != 0 && (!slot.TryReadOwner(out _, out _) || slot.IsHeldByDeadProcess()) &&
                _producersAsleep.Clear(slot.AsleepBit))
            {
                cleared++;
            }
        }

        if (cleared != 0)
        {
            _space.Signal();
        }

        return cleared;
    }

    /// <summary>Producer, right after a commit stored with a full fence, or in fence mode with a release store
    /// (<see cref="FenceMode"/>): wakes the consumer if it sleeps.</summary>
    /// <returns>Whether a wake-up syscall was made.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool WakeConsumerIfWaiting()
    {
        if (_consumerWaiting.LoadAcquire() == 0 || _consumerWaiting.Exchange(0) == 0)
        {
            return false;
        }

        Data.Event.Signal();
        return true;
    }

    /// <summary>Consumer, right after moving the head with a full fence: wakes producers that sleep.</summary>
    /// <returns>Whether a wake-up syscall was made.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool WakeProducersIfWaiting()
    {
        if (_producersAsleep.LoadAcquire() == 0)
        {
            return false;
        }

        _space.Signal();
        return true;
    }

    /// <summary>Wakes every sleeper of both sides (a mapping or an endpoint is going away).</summary>
    public void WakeEveryone()
    {
        Data.Event.Signal();
        _space.Signal();
    }

    public void Dispose()
    {
        Data.Event.Dispose();
        _space.Dispose();
    }
}

/// <summary>One side of the eventcount: the event it sleeps on and the word that announces its sleepers (a flag,
/// or one bit of a word that several sleepers share).</summary>
internal readonly struct WaitSide
{
    private readonly SharedInt32 _waiting;
    private readonly int _bit;
    private readonly FenceMode? _fence;

    /// <param name="sharedEvent">The event the side sleeps on.</param>
    /// <param name="waiting">The announcing word.</param>
    /// <param name="bit">This sleeper's bit of the word; 0: the word is a flag (0 or 1) of one sleeper.</param>
    /// <param name="fence">The consumer's side: the ring's fence mode, which may owe a barrier or a shorter sleep;
    /// null for a producer's side.</param>
    public WaitSide(SharedEvent sharedEvent, SharedInt32 waiting, int bit, FenceMode? fence)
    {
        Event = sharedEvent;
        _waiting = waiting;
        _bit = bit;
        _fence = fence;
    }

    public SharedEvent Event { get; }

    /// <summary>Issues the cross-process barrier that fence mode owes between the announcement and the re-check,
    /// unless <paramref name="alreadyIssued"/> (one issued after every announcement covers every ring).</summary>
    /// <returns>Whether a barrier has now been issued.</returns>
    public bool IssueBarrierIfOwed(bool alreadyIssued)
    {
        if (alreadyIssued || _fence == null || !_fence.ConsumerBarriers)
        {
            return alreadyIssued;
        }

        return _fence.IssueBarrier();
    }

    /// <summary>How long this side may sleep, given <paramref name="timeoutMs"/> (see <see cref="FenceMode.CapSleepMs"/>).</summary>
    public int CapSleepMs(int timeoutMs) => _fence == null ? timeoutMs : _fence.CapSleepMs(timeoutMs);

    /// <summary>Announces a sleeper (store, then full fence); returns the event's sequence, read before.</summary>
    public int Announce()
    {
        int sequence = Event.Read();
        if (_bit != 0)
        {
            _waiting.Or(_bit);
        }
        else
        {
            _waiting.StoreFullFence(1);
        }

        return sequence;
    }

    /// <summary>Withdraws what <see cref="Announce"/> announced.</summary>
    public void Withdraw()
    {
        if (_bit != 0)
        {
            _waiting.Clear(_bit);
        }
        else
        {
            _waiting.StoreRelease(0);
        }
    }
}
