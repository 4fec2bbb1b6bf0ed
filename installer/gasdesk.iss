; Inno Setup 6 script: installs the PyInstaller bundle dist\gasdesk\ (installer\gasdesk.spec)
; into Program Files with a Start-menu entry and an optional desktop icon.
;
;   iscc installer\gasdesk.iss        (from the checkout's root, after the bundle is built)
;
; Output: dist\installer\gasdesk-setup-<version>.exe. The uninstaller removes the program's
; folder only: the hall's data dir (database, backups, keys, logs) lives in the user's
; %LOCALAPPDATA%\gasdesk (platformdirs) and config.toml in the same place; neither is touched.
; Saved as UTF-8 with a BOM (Inno Setup reads the Chinese names right only so).
; Not built or run on Windows yet: see installer\build-windows.md.

#define AppName "GasDesk"
#define AppChineseName "GasDesk 燃气营业厅柜台系统"
#define AppVersion "0.1.0"
#define AppPublisher "GasDesk"
#define AppExe "gasdesk.exe"
#define AdminExe "gasdesk-admin.exe"

[Setup]
; a fixed AppId: an upgrade replaces the installed version instead of adding a second one
AppId={{6C1E7A52-3F0B-4F37-9B0E-5A2D9C41B8E3}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppChineseName} {#AppVersion}
AppPublisher={#AppPublisher}
DefaultDirName={autopf}\GasDesk
DefaultGroupName=GasDesk
DisableProgramGroupPage=yes
; PyInstaller's bundle is 64-bit (Python 3.11 x64)
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
PrivilegesRequired=admin
OutputDir=..\dist\installer
OutputBaseFilename=gasdesk-setup-{#AppVersion}
Compression=lzma2
SolidCompression=yes
WizardStyle=modern
UninstallDisplayIcon={app}\{#AppExe}
; the counter must be closed to replace its files
CloseApplications=yes

[Languages]
; Simplified Chinese: from Inno Setup's own Languages folder when this version ships it, else a
; copy of the translation (jrsoftware.org/files/istrans/) put next to this script
#if FileExists(AddBackslash(CompilerPath) + "Languages\ChineseSimplified.isl")
Name: "chinesesimplified"; MessagesFile: "compiler:Languages\ChineseSimplified.isl"
#elif FileExists(AddBackslash(SourcePath) + "ChineseSimplified.isl")
Name: "chinesesimplified"; MessagesFile: "ChineseSimplified.isl"
#endif
Name: "english"; MessagesFile: "compiler:Default.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[Files]
; the whole one-folder bundle, as built
Source: "..\dist\gasdesk\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs
; the 32-bit Python with host.py that loads makers' 32-bit card DLLs (build-windows.md)
#if DirExists(AddBackslash(SourcePath) + "..\dist\makerhost32")
Source: "..\dist\makerhost32\*"; DestDir: "{app}\makerhost32"; Flags: ignoreversion recursesubdirs createallsubdirs
#endif

[Icons]
Name: "{group}\{#AppChineseName}"; Filename: "{app}\{#AppExe}"
Name: "{group}\GasDesk 培训模式"; Filename: "{app}\{#AppExe}"; Parameters: "--training"
Name: "{group}\{cm:UninstallProgram,{#AppName}}"; Filename: "{uninstallexe}"
Name: "{autodesktop}\{#AppChineseName}"; Filename: "{app}\{#AppExe}"; Tasks: desktopicon

[Run]
Filename: "{app}\{#AppExe}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent

[UninstallDelete]
; only what the program itself may leave in its folder; the data dir is elsewhere and kept
Type: filesandordirs; Name: "{app}\_internal\__pycache__"
