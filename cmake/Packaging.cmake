# SPDX-License-Identifier: MIT
# Install rules and the .deb packages (make package): chat-server and chat-client.
# chat-server: binary (app-server/), systemd unit and /etc configuration (at install time, see
# InstallServerFiles.cmake), documentation and the example configuration.
install(CODE "set(CHAT_SOURCE_DIR \"${PROJECT_SOURCE_DIR}\")\nset(CHAT_BINARY_DIR \"${PROJECT_BINARY_DIR}\")"
        COMPONENT server)
install(SCRIPT cmake/InstallServerFiles.cmake COMPONENT server)
install(FILES README.md docs/protocol.md docs/architecture.md docs/reliability.md
        DESTINATION ${CMAKE_INSTALL_DATADIR}/doc/chat-server COMPONENT server)
install(FILES resources/chat-server.ini
        DESTINATION ${CMAKE_INSTALL_DATADIR}/doc/chat-server/examples COMPONENT server)
install(FILES LICENSE RENAME copyright DESTINATION ${CMAKE_INSTALL_DATADIR}/doc/chat-server
        COMPONENT server)

# chat-client: binary (app-client/), desktop entry and icon.
install(FILES resources/chat-client.desktop
        DESTINATION ${CMAKE_INSTALL_DATADIR}/applications COMPONENT client)
install(FILES resources/icons/chat.png RENAME chat-client.png
        DESTINATION ${CMAKE_INSTALL_DATADIR}/icons/hicolor/64x64/apps COMPONENT client)
install(FILES LICENSE RENAME copyright DESTINATION ${CMAKE_INSTALL_DATADIR}/doc/chat-client
        COMPONENT client)

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME qtchat)
set(CPACK_PACKAGE_VENDOR "qtchat")
set(CPACK_PACKAGE_CONTACT "qtchat maintainers <chat@localhost>")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
# Files outside the prefix (/etc/chat-server) are staged with DESTDIR.
set(CPACK_SET_DESTDIR ON)
set(CPACK_INSTALL_PREFIX /usr)
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_COMPONENTS_ALL server client)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_ENABLE_COMPONENT_DEPENDS ON)
set(CPACK_STRIP_FILES ON)

set(CPACK_DEBIAN_SERVER_PACKAGE_NAME chat-server)
set(CPACK_COMPONENT_SERVER_DESCRIPTION
    "Headless chat server: HTTP API and WebSocket push on one port\nStores rooms in SQLite (embedded) or PostgreSQL; runs as the chat-server system user\nunder systemd (chat-server.service).")
# QtSql loads its drivers at run time: shlibdeps cannot see them. The server reads a private
# Qt structure (app-server/http/socketbuffers.h), so it needs the exact Qt it was built with:
# Debian's libqt6core6 provides qt6-base-abi for that.
set(CPACK_DEBIAN_SERVER_PACKAGE_DEPENDS "libqt6sql6-sqlite, adduser, qt6-base-abi (= ${Qt6Core_VERSION})")
set(CPACK_DEBIAN_SERVER_PACKAGE_SUGGESTS "libqt6sql6-psql, postgresql")
set(CPACK_DEBIAN_SERVER_PACKAGE_CONTROL_EXTRA
    "${PROJECT_SOURCE_DIR}/resources/deb/server/conffiles;${PROJECT_SOURCE_DIR}/resources/deb/server/postinst;${PROJECT_SOURCE_DIR}/resources/deb/server/prerm;${PROJECT_SOURCE_DIR}/resources/deb/server/postrm")
set(CPACK_DEBIAN_SERVER_PACKAGE_CONTROL_STRICT_PERMISSION ON)

set(CPACK_DEBIAN_CLIENT_PACKAGE_NAME chat-client)
set(CPACK_DEBIAN_CLIENT_PACKAGE_SECTION x11)
set(CPACK_COMPONENT_CLIENT_DESCRIPTION
    "Desktop chat client for chat-server\nQt Widgets client: rooms, history, live messages, an outbox that survives network loss.")
set(CPACK_DEBIAN_CLIENT_PACKAGE_DEPENDS "libqt6sql6-sqlite, qt6-qpa-plugins")
# emoji in messages; a keyring for the stored token (qtkeychain falls back to a private file)
set(CPACK_DEBIAN_CLIENT_PACKAGE_RECOMMENDS "fonts-noto-color-emoji, gnome-keyring | kwalletmanager")
include(CPack)
