# SPDX-License-Identifier: MIT
# Runs at install time (cmake --install, and cpack for the chat-server .deb), when the prefix is
# known: writes the systemd units with this installation's paths and puts the configuration in
# /etc/chat-server (prefix /usr) or PREFIX/etc/chat-server. An existing configuration is kept.
# Set before this script: CHAT_SOURCE_DIR, CHAT_BINARY_DIR.
if(CMAKE_INSTALL_PREFIX STREQUAL "/usr")
  set(chat_etc "/etc")
else()
  set(chat_etc "${CMAKE_INSTALL_PREFIX}/etc")
endif()
set(CHAT_BINDIR "${CMAKE_INSTALL_PREFIX}/bin")
set(CHAT_CONFIG "${chat_etc}/chat-server/chat-server.ini")
set(CHAT_DOCDIR "${CMAKE_INSTALL_PREFIX}/share/doc/chat-server")
configure_file("${CHAT_SOURCE_DIR}/resources/chat-server.service.in"
               "${CHAT_BINARY_DIR}/install/chat-server.service" @ONLY)
file(INSTALL DESTINATION "${CMAKE_INSTALL_PREFIX}/lib/systemd/system" TYPE FILE
     FILES "${CHAT_BINARY_DIR}/install/chat-server.service"
           "${CHAT_SOURCE_DIR}/resources/chat-server.socket")
if(EXISTS "$ENV{DESTDIR}${CHAT_CONFIG}")
  message(STATUS "Keeping: $ENV{DESTDIR}${CHAT_CONFIG}")
else()
  file(INSTALL DESTINATION "${chat_etc}/chat-server" TYPE FILE
       PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ
       FILES "${CHAT_SOURCE_DIR}/resources/chat-server.ini")
endif()
