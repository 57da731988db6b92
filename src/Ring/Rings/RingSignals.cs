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
/// with the producers-waiting count and the head):</para>
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
/// The xchg on the flag makes exactly one of several producers pay for the syscall.
/// </remarks>
internal sealed class RingSignals : IDisposable
{
    private readonly SharedInt32 _consumerWaiting;
    private readonly SharedInt32 _producersWaiting;

    public RingSignals(string ringName, RingHeader header)
    {
        _consumerWaiting = header.ConsumerWaiting;
        _producersWaiting = header.ProducersWaiting;
        SharedEvent data = SharedEvent.Create(ringName, "data", header.DataSequence);
        SharedEvent space = SharedEvent.Create(ringName, "space", header.SpaceSequence);
        Data = new WaitSide(data, _consumerWaiting, counted: false);
        Space = new WaitSide(space, _producersWaiting, counted: true);
    }

    /// <summary>The consumer's side: it waits for data, announced by a flag.</summary>
    public WaitSide Data { get; }

    /// <summary>The producers' side: they wait for space, announced by a count.</summary>
    public WaitSide Space { get; }

    /// <summary>Producer, right after a commit stored with a full fence: wakes the consumer if it sleeps.</summary>
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
        if (_producersWaiting.LoadAcquire() == 0)
        {
            return false;
        }

        Space.Event.Signal();
        return true;
    }

    /// <summary>Wakes every sleeper of both sides (a mapping or an endpoint is going away).</summary>
    public void WakeEveryone()
    {
        Data.Event.Signal();
        Space.Event.Signal();
    }

    public void Dispose()
    {
        Data.Event.Dispose();
        Space.Event.Dispose();
    }
}

/// <summary>One side of the eventcount: the event it sleeps on and the word that announces its sleepers.</summary>
internal readonly struct WaitSide
{
    private readonly SharedInt32 _waiting;
    private readonly bool _counted;

    public WaitSide(SharedEvent sharedEvent, SharedInt32 waiting, bool counted)
    {
        Event = sharedEvent;
        _waiting = waiting;
        _counted = counted;
    }

    public SharedEvent Event { get; }

    /// <summary>Announces a sleeper (store, then full fence); returns the event's sequence, read before.</summary>
    public int Announce()
    {
        int sequence = Event.Read();
        if (_counted)
        {
            _waiting.Increment();
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
        if (_counted)
        {
            _waiting.Decrement();
        }
        else
        {
            _waiting.StoreRelease(0);
        }
    }
}
