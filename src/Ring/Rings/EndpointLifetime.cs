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
/// <para>State: <c>InCall</c>, <c>Disposed</c>, <c>Released</c> bits in one int, changed only by compare-and-swap
/// (a full fence). Ordering argument: a call sets <c>InCall</c> and then reads <c>Disposed</c>; <see cref="Dispose"/>
/// sets <c>Disposed</c> and then reads <c>InCall</c>; both in one CAS on one word, so one of them sees the other.
/// The holder is released by exactly one CAS from exactly <c>Disposed</c> (no call under way) to
/// <c>Disposed | Released</c>: by <see cref="Dispose"/> if no call was under way, else by the call as it ends.</para>
/// <para>The non-blocking calls (<c>TryWrite</c>, <c>TryClaim</c>, <c>TryRead</c>) do not enter: like every
/// endpoint call they belong to one thread, so a dispose on that thread cannot overlap them.</para>
/// </remarks>
internal sealed class EndpointLifetime
{
    private const int InCall = 1;
    private const int Disposed = 2;
    private const int Released = 4;

    private readonly string _name;
    private readonly Action _release;
    private int _state;

    /// <param name="name">The endpoint, for messages: "consumer of ring 'orders'".</param>
    /// <param name="release">Releases what the endpoint holds; runs once, when it is disposed and no call is under way.</param>
    public EndpointLifetime(string name, Action release)
    {
        _name = name;
        _release = release;
    }

    public bool IsDisposed => (Volatile.Read(ref _state) & Disposed) != 0;

    /// <summary>Whether what the endpoint holds was released (it is disposed and no call is under way).</summary>
    public bool IsReleased => (Volatile.Read(ref _state) & Released) != 0;

    /// <summary>Starts a call that another thread's <see cref="Dispose"/> may overlap; end it with <see cref="Call.Dispose"/>.</summary>
    /// <exception cref="ObjectDisposedException">The endpoint was disposed.</exception>
    /// <exception cref="InvalidOperationException">Another such call is under way (two threads, or a handler calling back).</exception>
    public Call Enter()
    {
        int state = Volatile.Read(ref _state);
        while (true)
        {
            if ((state & Disposed) != 0)
            {
                throw ObjectDisposed();
            }

            if ((state & InCall) != 0)
            {
                throw new InvalidOperationException($"The {_name} is already in a call on another thread (one endpoint is for one thread) or from a handler of its own Read.");
            }

            int seen = Interlocked.CompareExchange(ref _state, state | InCall, state);
            if (seen == state)
            {
                return new Call(this);
            }

            state = seen;
        }
    }

    /// <summary>Marks the endpoint disposed; releases what it holds now, or, if a call is under way, when it ends.</summary>
    /// <returns><c>false</c> if it was already disposed.</returns>
    public bool Dispose()
    {
        int state = Volatile.Read(ref _state);
        while (true)
        {
            if ((state & Disposed) != 0)
            {
                return false;
            }

            int seen = Interlocked.CompareExchange(ref _state, state | Disposed, state);
            if (seen == state)
            {
                ReleaseIfIdle();
                return true;
            }

            state = seen;
        }
    }

    public ObjectDisposedException ObjectDisposed() => new(_name, $"The {_name} was disposed.");

    private void Exit()
    {
        int state = Volatile.Read(ref _state);
        while (true)
        {
            int seen = Interlocked.CompareExchange(ref _state, state & ~InCall, state);
            if (seen == state)
            {
                break;
            }

            state = seen;
        }

        ReleaseIfIdle();
    }

    private void ReleaseIfIdle()
    {
        if (Interlocked.CompareExchange(ref _state, Disposed | Released, Disposed) == Disposed)
        {
            _release();
        }
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
