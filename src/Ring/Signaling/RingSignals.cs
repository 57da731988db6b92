using System;
using RingIpc.Rings;

namespace RingIpc.Signaling;

/// <summary>
/// The eventcount handshake of one ring (DESIGN.md §3): a side makes a wake-up syscall only when the
/// other side is actually asleep, so while both are awake no syscall is made at all.
/// </summary>
/// <remarks>
/// <para>Memory-ordering argument, consumer waiting for data (producers waiting for space is the mirror image,
/// with the producers-waiting count and the head):</para>
/// <code>
/// consumer                                   producer
/// s = load(dataSequence)                     store(length, +n)      ┐ one xchg: store, then
/// xchg(consumerWaiting, 1)  ┐ store, then    load(consumerWaiting)  ┘ full fence
///                           ┘ full fence     if 1: xchg(consumerWaiting, 0) = 1 →
/// if load(length) &gt; 0: done                        dataSequence++; futex_wake(dataSequence)
/// futex_wait(dataSequence, s)
/// </code>
/// Each side stores, fences, then loads what the other side stores (Dekker): at least one of them sees the
/// other's store. If the consumer's re-check sees the length, it does not sleep. Otherwise the producer sees
/// the flag, advances the sequence and wakes; the consumer's futex_wait either returns at once because the
/// sequence is no longer <c>s</c>, or is woken. Without the fences both loads could be served before either
/// store is visible (x86 store buffer) and the consumer would sleep through the commit: a lost wake-up.
/// The xchg on the flag makes exactly one of several producers pay for the syscall.
/// </remarks>
internal sealed unsafe class RingSignals : IDisposable
{
    private readonly int* _consumerWaiting;
    private readonly int* _producersWaiting;

    public RingSignals(string ringName, byte* header)
    {
        _consumerWaiting = (int*)(header + RingHeaderLayout.ConsumerWaitingOffset);
        _producersWaiting = (int*)(header + RingHeaderLayout.ProducersWaitingOffset);
        Data = SharedEvent.Create(ringName, "data", (int*)(header + RingHeaderLayout.DataSequenceOffset));
        Space = SharedEvent.Create(ringName, "space", (int*)(header + RingHeaderLayout.SpaceSequenceOffset));
    }

    /// <summary>Signaled when a producer commits while the consumer sleeps.</summary>
    public SharedEvent Data { get; }

    /// <summary>Signaled when the consumer frees space while producers sleep.</summary>
    public SharedEvent Space { get; }

    /// <summary>Producer, right after a commit stored with a full fence: wakes the consumer if it sleeps.</summary>
    /// <returns>Whether a wake-up syscall was made.</returns>
    public bool WakeConsumerIfWaiting()
    {
        if (Atomics.LoadAcquire(_consumerWaiting) == 0 || Atomics.Exchange(_consumerWaiting, 0) == 0)
        {
            return false;
        }

        Data.Signal();
        return true;
    }

    /// <summary>Consumer, right after moving the head with a full fence: wakes producers that sleep.</summary>
    /// <returns>Whether a wake-up syscall was made.</returns>
    public bool WakeProducersIfWaiting()
    {
        if (Atomics.LoadAcquire(_producersWaiting) == 0)
        {
            return false;
        }

        Space.Signal();
        return true;
    }

    /// <summary>Consumer: announces that it is about to sleep; re-check for data afterwards, then sleep on
    /// <see cref="Data"/> with the returned sequence, then call <see cref="EndConsumerWait"/>.</summary>
    public int BeginConsumerWait()
    {
        int sequence = Data.Read();
        Atomics.StoreFullFence(_consumerWaiting, 1);
        return sequence;
    }

    public void EndConsumerWait() => Atomics.StoreRelease(_consumerWaiting, 0);

    /// <summary>Producer: announces that it is about to sleep; re-check for space afterwards, then sleep on
    /// <see cref="Space"/> with the returned sequence, then call <see cref="EndProducerWait"/>.</summary>
    public int BeginProducerWait()
    {
        int sequence = Space.Read();
        Atomics.Increment(_producersWaiting);
        return sequence;
    }

    public void EndProducerWait() => Atomics.Decrement(_producersWaiting);

    public void Dispose()
    {
        Data.Dispose();
        Space.Dispose();
    }
}
