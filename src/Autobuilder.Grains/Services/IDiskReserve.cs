namespace Autobuilder.Grains.Services;

/// <summary>
/// Free space of this silo's data root against Autobuilder:Disk's reserve (implemented in the silo:
/// grains do no file I/O). Asked before intake takes an upload, before a build is dispatched and
/// before an upload is offered for publishing; optional, so a grain without it never waits.
/// </summary>
public interface IDiskReserve
{
    DiskSpace Now();
}
