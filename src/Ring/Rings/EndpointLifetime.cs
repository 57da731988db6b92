using System;
using System.Threading;

namespace RingIpc;

/// <summary>
/// The life of a producer or consumer: the calls that may still run while another thread disposes it (blocking
/// calls, batch reads), its disposal, and the release of what it holds (its role, its share of the mapping),
/// which waits until no such call is under way. So a call never touches an unmapped ring, and a disposed
/// consumer never moves the head after a successor took its role.
/// </summary>
/// <remarks>
/// <para>Ordering argument (an asymmetric Dekker handshake). A call stores <c>_inCall = 1</c> and then loads
/// <c>_disposed</c>; <see cref="Dispose"/> stores <c>_disposed = 1</c>, then runs a process-wide memory barrier
/// (<c>Interlocked.MemoryBarrierProcessWide</c>: every other thread of the process is serialized, as if it had run a
/// full fence at that point), then loads <c>_inCall</c>. So at least one of them sees the other's store: either the
/// call sees the dispose and stops, or the dispose sees the call and leaves the release to it. A call ends by
/// storing <c>_inCall = 0</c> and loading <c>_disposed</c> the same way. Whoever sees "disposed and no call" tries
/// the release, and one compare-and-swap of <c>_released</c> lets exactly one of them run it. The calls, which are on
/// the hot path, pay only plain volatile accesses; the rare dispose pays the barrier. Where the barrier is missing
/// (.NET Framework, Mono), the call's stores are full fences instead (<c>Interlocked.Exchange</c>).</para>
/// <para>The non-blocking calls (<c>TryWrite</c>, <c>TryClaim</c>, <c>TryRead</c>) do not enter: like every
/// endpoint call they belong to one thread, so a dispose on that thread cannot overlap them.</para>
/// </remarks>
internal sealed class EndpointLifetime
{
    private readonly string _name;
    private readonly Action _release;
    private int _inCall;
    private int _disposed;
    private int _released;

    /// <param name="name">The endpoint, for messages: "consumer of ring 'orders'".</param>
    /// <param name="release">Releases what the endpoint holds; runs once, when it is disposed and no call is under way.</param>
    public EndpointLifetime(string name, Action release)
    {
        _name = name;
        _release = release;
    }

    public bool IsDisposed => Volatile.Read(ref _disposed) != 0;

    /// <summary>Whether what the endpoint holds was released (it is disposed and no call is under way).</summary>
    public bool IsReleased => Volatile.Read(ref _released) != 0;

    /// <summary>Starts a call that another thread's <see cref="Dispose"/> may overlap; end it with <see cref="Call.Dispose"/>.</summary>
    /// <exception cref="ObjectDisposedException">The endpoint was disposed.</exception>
    /// <exception cref="InvalidOperationException">Another such call is under way (a handler calling back, or a
    /// second thread: that one is detected on a best-effort basis).</exception>
    public Call Enter()
    {
        if (Volatile.Read(ref _inCall) != 0)
        {
            throw new InvalidOperationException($"The {_name} is already in a call, on another thread (one endpoint is for one thread) or from a handler of its own Read.");
        }

        StoreWithFence(ref _inCall, 1);
        if (Volatile.Read(ref _disposed) != 0)
        {
            Exit();
            throw ObjectDisposed();
        }

        return new Call(this);
    }

    /// <summary>Marks the endpoint disposed; releases what it holds now, or, if a call is under way, when it ends.</summary>
    /// <returns>Whether a call is under way (the caller then wakes it, in case it sleeps); <c>false</c> also if the
    /// endpoint was already disposed.</returns>
    public bool Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return false;
        }

#if NET
        Interlocked.MemoryBarrierProcessWide();
#endif
        if (Volatile.Read(ref _inCall) == 0)
        {
            Release();
            return false;
        }

        return true;
    }

    public ObjectDisposedException ObjectDisposed() => new(_name, $"The {_name} was disposed.");

    private void Exit()
    {
        StoreWithFence(ref _inCall, 0);
        if (Volatile.Read(ref _disposed) != 0)
        {
            Release();
        }
    }

    private void Release()
    {
        if (Interlocked.Exchange(ref _released, 1) == 0)
        {
            _release();
        }
    }

    /// <summary>The call side's store: plain where <see cref="Dispose"/> can serialize this thread with the
    /// process-wide barrier, a full fence where it cannot.</summary>
    private static void StoreWithFence(ref int location, int value)
    {
#if NET
        Volatile.Write(ref location, value);
#else
        Interlocked.Exchange(ref location, value);
#endif
    }

    /// <summary>A call under way; disposing it ends the call (and releases the endpoint if it was disposed meanwhile).</summary>
    public readonly struct Call : IDisposable
    {
        private readonly EndpointLifetime _lifetime;

        public Call(EndpointLifetime lifetime)
        {
            _lifetime = lifetime;
        }

        public void Dispose() => _lifetime.Exit();
    }
}
