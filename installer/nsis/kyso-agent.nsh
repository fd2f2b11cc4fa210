; kyso-agent — NSIS include for electron-builder's per-machine installer (electron-builder.yml: nsis.include).
; Adds: Vietnamese/English strings, an options page (start at login, trust the agent's CA, register the browser
; extension's native host, install the CA drivers bundled by the admin), the same options as switches for silent
; fleet installs, and an uninstaller that undoes every step (user settings kept only with /KEEPSETTINGS).
;
; Silent install (fleet): kyso-agent-Setup.exe /S [/NOAUTOSTART] [/NOCA] [/NOBROWSER] [/NODRIVERS]
; Silent uninstall:       "Uninstall kyso-agent.exe" /S [/KEEPSETTINGS]
; The app runs its own CLI for these steps: "kyso-agent.exe --cli <command>" (docs/admin.md). The local CA is per user
; (each user's agent has its own), so the installer arranges for it to be trusted at each user's sign-in.

!include "LogicLib.nsh"
!include "FileFunc.nsh"
!include "nsDialogs.nsh"
!include "WordFunc.nsh"

!ifndef KYSO_DRIVERS_NSH
  ; scripts/nsis-drivers.mjs writes the admin's driver bundle as kysoInstallDrivers; none bundled by default.
  !macro kysoInstallDrivers
  !macroend
  !define KYSO_DRIVER_COUNT 0
!endif

LangString kysoOptionsTitle 1066 "Tuỳ chọn cài đặt"
LangString kysoOptionsTitle 1033 "Installation options"
LangString kysoOptionsText 1066 "Chọn những việc trình cài đặt sẽ làm cho máy này:"
LangString kysoOptionsText 1033 "Choose what the installer sets up on this computer:"
LangString kysoAutostart 1066 "Chạy kyso-agent khi đăng nhập Windows"
LangString kysoAutostart 1033 "Start kyso-agent when I sign in to Windows"
LangString kysoCa 1066 "Cho trình duyệt tin cậy kết nối tới kyso-agent (cài CA cục bộ)"
LangString kysoCa 1033 "Let browsers trust their connection to kyso-agent (install the local CA)"
LangString kysoBrowser 1066 "Kết nối với tiện ích kyso-agent trên Chrome, Edge, Firefox"
LangString kysoBrowser 1033 "Connect the kyso-agent extension in Chrome, Edge and Firefox"
LangString kysoDrivers 1066 "Cài trình điều khiển (driver) USB token đi kèm"
LangString kysoDrivers 1033 "Install the bundled USB token drivers"
LangString kysoDriverFailed 1066 "Không cài được trình điều khiển: "
LangString kysoDriverFailed 1033 "A driver could not be installed: "

!ifndef BUILD_UNINSTALLER
Var kysoWantAutostart
Var kysoWantCa
Var kysoWantBrowser
Var kysoWantDrivers
Var kysoBoxAutostart
Var kysoBoxCa
Var kysoBoxBrowser
Var kysoBoxDrivers
!endif

; Runs "<app> --cli <args>" and waits; the result goes to the install log, a failure never aborts the install.
!macro kysoCli ARGS
  ExecWait '"$INSTDIR\${APP_EXECUTABLE_FILENAME}" --cli ${ARGS}' $0
  DetailPrint "kyso-agent --cli ${ARGS}: $0"
!macroend

!macro customInit
!ifndef BUILD_UNINSTALLER
  StrCpy $kysoWantAutostart 1
  StrCpy $kysoWantCa 1
  StrCpy $kysoWantBrowser 1
  StrCpy $kysoWantDrivers 1
  ${GetParameters} $R0
  ClearErrors
  ${GetOptions} $R0 "/NOAUTOSTART" $R1
  ${IfNot} ${Errors}
    StrCpy $kysoWantAutostart 0
  ${EndIf}
  ClearErrors
  ${GetOptions} $R0 "/NOCA" $R1
  ${IfNot} ${Errors}
    StrCpy $kysoWantCa 0
  ${EndIf}
  ClearErrors
  ${GetOptions} $R0 "/NOBROWSER" $R1
  ${IfNot} ${Errors}
    StrCpy $kysoWantBrowser 0
  ${EndIf}
  ClearErrors
  ${GetOptions} $R0 "/NODRIVERS" $R1
  ${IfNot} ${Errors}
    StrCpy $kysoWantDrivers 0
  ${EndIf}
!endif
!macroend

; electron-builder builds the uninstaller in a separate pass (BUILD_UNINSTALLER) with warnings as errors: the
; installer-only page functions must not exist there.
!ifndef BUILD_UNINSTALLER
Function kysoOptionsPage
  nsDialogs::Create 1018
  Pop $R9
  ${If} $R9 == error
    Abort
  ${EndIf}
  ${NSD_CreateLabel} 0 0 100% 24u "$(kysoOptionsText)"
  Pop $R9
  ${NSD_CreateCheckbox} 0 30u 100% 12u "$(kysoAutostart)"
  Pop $kysoBoxAutostart
  ${NSD_SetState} $kysoBoxAutostart $kysoWantAutostart
  ${NSD_CreateCheckbox} 0 46u 100% 12u "$(kysoCa)"
  Pop $kysoBoxCa
  ${NSD_SetState} $kysoBoxCa $kysoWantCa
  ${NSD_CreateCheckbox} 0 62u 100% 12u "$(kysoBrowser)"
  Pop $kysoBoxBrowser
  ${NSD_SetState} $kysoBoxBrowser $kysoWantBrowser
  ${If} ${KYSO_DRIVER_COUNT} > 0
    ${NSD_CreateCheckbox} 0 78u 100% 12u "$(kysoDrivers) (${KYSO_DRIVER_COUNT})"
    Pop $kysoBoxDrivers
    ${NSD_SetState} $kysoBoxDrivers $kysoWantDrivers
  ${EndIf}
  nsDialogs::Show
FunctionEnd

Function kysoOptionsLeave
  ${NSD_GetState} $kysoBoxAutostart $kysoWantAutostart
  ${NSD_GetState} $kysoBoxCa $kysoWantCa
  ${NSD_GetState} $kysoBoxBrowser $kysoWantBrowser
  ${If} ${KYSO_DRIVER_COUNT} > 0
    ${NSD_GetState} $kysoBoxDrivers $kysoWantDrivers
  ${EndIf}
FunctionEnd
!endif

!macro customPageAfterChangeDir
  !ifndef BUILD_UNINSTALLER
    Page custom kysoOptionsPage kysoOptionsLeave
  !endif
!macroend

; Writes the native-messaging host manifest for one browser family and registers it machine-wide.
; ALLOWED is the JSON member naming our extension (allowed_origins or allowed_extensions).
!macro kysoHostManifest FILE ALLOWED REGKEY
  FileOpen $R2 "$INSTDIR\${FILE}" w
  FileWrite $R2 '{"name":"vn.kyso.agent","description":"kyso-agent native messaging host","path":"$R1","type":"stdio",${ALLOWED}}'
  FileClose $R2
  WriteRegStr HKLM "${REGKEY}\vn.kyso.agent" "" "$INSTDIR\${FILE}"
!macroend

!macro customInstall
  ${If} $kysoWantDrivers == 1
    !insertmacro kysoInstallDrivers
  ${EndIf}
  ${If} $kysoWantAutostart == 1
    ; Per-machine install: every user's session starts the agent (HKLM Run).
    WriteRegStr HKLM "Software\Microsoft\Windows\CurrentVersion\Run" "kyso-agent" '"$INSTDIR\${APP_EXECUTABLE_FILENAME}" --hidden'
  ${EndIf}
  ${If} $kysoWantCa == 1
    ; Each user's CA is trusted in that user's store at sign-in (Windows asks the user once).
    WriteRegStr HKLM "Software\Microsoft\Windows\CurrentVersion\Run" "kyso-agent-ca" '"$INSTDIR\${APP_EXECUTABLE_FILENAME}" --cli ca install --if-needed'
  ${EndIf}
  ${If} $kysoWantBrowser == 1
    FileOpen $R2 "$INSTDIR\kyso-agent-host.cmd" w
    FileWrite $R2 '@"%~dp0${APP_EXECUTABLE_FILENAME}" --cli native-host %*$\r$\n'
    FileClose $R2
    ${WordReplace} "$INSTDIR\kyso-agent-host.cmd" "\" "\\" "+" $R1
    !insertmacro kysoHostManifest "host-chromium.json" '"allowed_origins":["chrome-extension://${KYSO_CHROMIUM_ID}/"]' "Software\Google\Chrome\NativeMessagingHosts"
    WriteRegStr HKLM "Software\Microsoft\Edge\NativeMessagingHosts\vn.kyso.agent" "" "$INSTDIR\host-chromium.json"
    !insertmacro kysoHostManifest "host-firefox.json" '"allowed_extensions":["${KYSO_FIREFOX_ID}"]' "Software\Mozilla\NativeMessagingHosts"
  ${EndIf}
!macroend

!macro customUnInstall
  ${GetParameters} $R0
  ; The uninstalling user's CA leaves that user's store; other users' entries are listed in docs/admin.md.
  !insertmacro kysoCli "ca uninstall"
  DeleteRegValue HKLM "Software\Microsoft\Windows\CurrentVersion\Run" "kyso-agent"
  DeleteRegValue HKLM "Software\Microsoft\Windows\CurrentVersion\Run" "kyso-agent-ca"
  DeleteRegKey HKLM "Software\Google\Chrome\NativeMessagingHosts\vn.kyso.agent"
  DeleteRegKey HKLM "Software\Microsoft\Edge\NativeMessagingHosts\vn.kyso.agent"
  DeleteRegKey HKLM "Software\Mozilla\NativeMessagingHosts\vn.kyso.agent"
  Delete "$INSTDIR\host-chromium.json"
  Delete "$INSTDIR\host-firefox.json"
  Delete "$INSTDIR\kyso-agent-host.cmd"
  ClearErrors
  ${GetOptions} $R0 "/KEEPSETTINGS" $R1
  ${If} ${Errors}
    ; The user's settings and logs, then the admin policy in ProgramData.
    SetShellVarContext current
    RMDir /r "$APPDATA\kyso-agent"
    SetShellVarContext all
    RMDir /r "$APPDATA\kyso-agent"
  ${EndIf}
!macroend
